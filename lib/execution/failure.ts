import { HttpException } from '@nestjs/common';
import { inspect } from 'node:util';
import { TaskPayloadError } from '../errors/task-payload.error.js';
import { UnrecoverableTaskError } from '../errors/unrecoverable-task.error.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import type { PipelineStage } from './attempt-state.js';

/** A failed attempt as recorded, and whether retrying could help. */
export interface Failure {
  error: TaskErrorInfo;
  permanent: boolean;
}

/** A readable record of anything a handler threw, including non-Errors. */
export function describeThrown(thrown: unknown): TaskErrorInfo {
  if (thrown instanceof Error) {
    let message = thrown.message || thrown.name;
    if (thrown instanceof HttpException) {
      // Keep what a ValidationPipe found ("to must be an email"), which the
      // exception's own message ("Bad Request Exception") leaves out.
      const response = thrown.getResponse();
      const details = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
      const text = Array.isArray(details) ? details.join('; ') : typeof details === 'string' ? details : '';
      if (text && text !== message) message = `${message}: ${text}`;
    }
    const info: TaskErrorInfo = { message, name: thrown.name };
    if (thrown.stack) info.stack = thrown.stack;
    if (thrown instanceof TaskPayloadError) info.issues = thrown.issues.map((issue) => ({ message: issue.message, path: [...issue.path] }));
    return info;
  }
  if (typeof thrown === 'string') return { message: thrown };
  if (thrown === undefined || thrown === null) return { message: `handler threw ${String(thrown)}` };
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    // Cycles or BigInts: inspect still shows the shape, where String() gives "[object Object]".
    text = inspect(thrown, { depth: 2, breakLength: Infinity });
  }
  return { message: `handler threw a non-Error value: ${text}` };
}

/**
 * Permanent failures skip the remaining attempts: UnrecoverableTaskError, a
 * payload its schema refused (TaskPayloadError), an error from a pipe
 * (validation), and a guard's denial (401/403 thrown before
 * the pipes). Everything else is retried while attempts remain.
 */
export function classifyFailure(thrown: unknown, stage: PipelineStage): Failure {
  const error = describeThrown(thrown);
  if (thrown instanceof UnrecoverableTaskError || thrown instanceof TaskPayloadError) return { error, permanent: true };
  if (stage === 'pipes') return { error, permanent: true };
  if (stage === 'before-pipes' && thrown instanceof HttpException && [401, 403].includes(thrown.getStatus())) {
    return { error, permanent: true };
  }
  return { error, permanent: false };
}
