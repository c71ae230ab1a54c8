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

/**
 * The most of an error's message, stack and validation issues a task keeps.
 * An error is stored 2 x attempts + 1 times for a dead task (its record, each
 * attempt's history entry, each retrying and dead event), and a message can
 * hold a whole upstream response: 20,000 characters cost a dead task 345 kB
 * of Redis memory. What is cut says how much.
 */
export const MAX_ERROR_MESSAGE = 4_096;
export const MAX_ERROR_STACK = 16_384;
export const MAX_ERROR_ISSUES = 100;

/** `text` cut to `max` characters (never inside a surrogate pair), saying how many were cut. */
function capped(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters cut)`;
}

/** The error as a task keeps it: message, stack and issues within their limits. */
function bounded(info: TaskErrorInfo): TaskErrorInfo {
  const message = capped(info.message, MAX_ERROR_MESSAGE);
  if (message !== info.message && info.stack !== undefined) {
    // V8 stacks begin with "<name>: <message>": the cut message goes there too, so the frames stay.
    const head = `${info.name ?? 'Error'}: ${info.message}`;
    if (info.stack.startsWith(head)) info.stack = `${info.name ?? 'Error'}: ${message}${info.stack.slice(head.length)}`;
  }
  info.message = message;
  if (info.stack !== undefined) info.stack = capped(info.stack, MAX_ERROR_STACK);
  if (info.issues !== undefined && info.issues.length > MAX_ERROR_ISSUES) {
    const more = info.issues.length - MAX_ERROR_ISSUES;
    info.issues = [...info.issues.slice(0, MAX_ERROR_ISSUES), { message: `… ${more} more issues cut`, path: [] }];
  }
  if (info.issues !== undefined) for (const issue of info.issues) issue.message = capped(issue.message, MAX_ERROR_MESSAGE);
  return info;
}

/** A readable record of anything a handler threw, including non-Errors, within the limits a task keeps. */
export function describeThrown(thrown: unknown): TaskErrorInfo {
  return bounded(describeUnbounded(thrown));
}

function describeUnbounded(thrown: unknown): TaskErrorInfo {
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
