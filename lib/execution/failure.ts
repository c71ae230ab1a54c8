import { HttpException } from '@nestjs/common';
import { inspect } from 'node:util';
import { TaskPayloadError } from '../errors/task-payload.error.js';
import { UnrecoverableTaskError } from '../errors/unrecoverable-task.error.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import type { PipelineStage } from './attempt-state.js';
import { wellFormed } from './well-formed.js';

/** A failed attempt as recorded, and whether retrying could help. */
export interface Failure {
  error: TaskErrorInfo;
  permanent: boolean;
}

/**
 * The most of an error's message, stack and validation issues a task keeps.
 * An error is stored 2 x attempts + 1 times for a dead task (its record, each
 * attempt's history entry, each retrying and dead event; the history keeps up
 * to three runs' attempts after retries from dead), and a message can
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

/** A message the library writes around a value of the handler's (its text may be any length): within the limit, well-formed. */
export function boundedMessage(text: string): string {
  return wellFormed(capped(text, MAX_ERROR_MESSAGE));
}

/**
 * The error as a task keeps it: message, stack and issues within their
 * limits. A note of the library's goes after the message, inside its limit.
 */
function bounded(info: TaskErrorInfo, note?: string): TaskErrorInfo {
  const message = note === undefined ? boundedMessage(info.message) : `${wellFormed(capped(info.message, MAX_ERROR_MESSAGE - note.length - 1))} ${note}`;
  if (message !== info.message && info.stack !== undefined) {
    // V8 stacks begin with "<name>: <message>": the cut message goes there too, so the frames stay.
    const head = `${info.name ?? 'Error'}: ${info.message}`;
    if (info.stack.startsWith(head)) info.stack = `${info.name ?? 'Error'}: ${message}${info.stack.slice(head.length)}`;
  }
  info.message = message;
  if (info.name !== undefined) info.name = wellFormed(info.name);
  if (info.stack !== undefined) info.stack = wellFormed(capped(info.stack, MAX_ERROR_STACK));
  if (info.issues !== undefined && info.issues.length > MAX_ERROR_ISSUES) {
    const more = info.issues.length - MAX_ERROR_ISSUES;
    info.issues = [...info.issues.slice(0, MAX_ERROR_ISSUES), { message: `… ${more} more issues cut`, path: [] }];
  }
  for (const issue of info.issues ?? []) {
    issue.message = boundedMessage(issue.message);
    issue.path = issue.path.map((key) => (typeof key === 'string' ? wellFormed(key) : key));
  }
  return info;
}

/**
 * A readable record of anything a handler threw, including non-Errors, within
 * the limits a task keeps. Never throws: a value whose reading throws (a
 * message getter that throws, a revoked Proxy) is recorded as unreadable. It
 * runs in the worker's settle path, where a throw would have ended the process.
 */
export function describeThrown(thrown: unknown, note?: string): TaskErrorInfo {
  try {
    return bounded(describeUnbounded(thrown), note);
  } catch (error) {
    return { message: `handler threw a value that cannot be read (reading it threw: ${safeText(error)})` };
  }
}

/** `value instanceof type`, false where asking throws (a revoked Proxy throws at any question). */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** A value as text for an error record: a string as it is, anything else as JSON or, failing that, inspected. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Cycles or BigInts: inspect still shows the shape, where String() gives "[object Object]".
    return inspect(value, { depth: 2, breakLength: Infinity });
  }
}

/** What an error says, as text, for a message about it: never throws (a revoked Proxy, a null-prototype object). */
export function safeText(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an unreadable value';
  }
}

function describeUnbounded(thrown: unknown): TaskErrorInfo {
  if (thrown instanceof Error) {
    // An Error's fields may hold anything (a message of 404, an object): the record holds text.
    const name = thrown.name === undefined || thrown.name === null ? 'Error' : asText(thrown.name);
    let message = (thrown.message === undefined || thrown.message === null ? '' : asText(thrown.message)) || name;
    if (thrown instanceof HttpException) {
      // Keep what a ValidationPipe found ("to must be an email"), which the
      // exception's own message ("Bad Request Exception") leaves out.
      const response = thrown.getResponse();
      const details = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
      const text = Array.isArray(details) ? details.join('; ') : typeof details === 'string' ? details : '';
      if (text && text !== message) message = `${message}: ${text}`;
    }
    const info: TaskErrorInfo = { message, name };
    // V8 formats a stack when it is first read, from the message: a Symbol message makes that throw.
    let stack: unknown;
    try {
      stack = thrown.stack;
    } catch {
      stack = undefined;
    }
    if (typeof stack === 'string' && stack !== '') info.stack = stack;
    const causes = causeLines(thrown);
    // The error's own stack at most half the room, so that a deep one cannot push its causes out.
    if (causes !== '') info.stack = `${capped(info.stack ?? `${name}: ${message}`, MAX_ERROR_STACK / 2)}${causes}`;
    if (thrown instanceof TaskPayloadError) info.issues = thrown.issues.map((issue) => ({ message: issue.message, path: [...issue.path] }));
    return info;
  }
  if (typeof thrown === 'string') return { message: thrown };
  if (thrown === undefined || thrown === null) return { message: `handler threw ${String(thrown)}` };
  return { message: `handler threw a non-Error value: ${asText(thrown)}` };
}

/** Causes an error record follows (`new Error(message, { cause })`), beyond which a chain is cut. */
const MAX_CAUSES = 5;

/**
 * An error's causes, as lines after its stack: a wrapped error's own message
 * ("could not send the invoice") often leaves out what failed underneath
 * (ECONNREFUSED), which is what the reader of a dead task needs. Never throws.
 */
function causeLines(error: Error): string {
  let text = '';
  const seen = new Set<unknown>([error]);
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current instanceof Error; depth++) {
    let cause: unknown;
    try {
      cause = (current as { cause?: unknown }).cause;
    } catch {
      return `${text}\nCaused by: a value that cannot be read`;
    }
    if (cause === undefined || seen.has(cause)) return text;
    seen.add(cause);
    text += `\nCaused by: ${causeText(cause)}`;
    current = cause;
  }
  return current instanceof Error && hasCause(current) ? `${text}\nCaused by: … (causes beyond ${MAX_CAUSES} cut)` : text;
}

/** One cause as text: an Error's stack (or name and message), any other value as JSON. */
function causeText(cause: unknown): string {
  try {
    if (cause instanceof Error) {
      const stack = cause.stack;
      return typeof stack === 'string' && stack !== '' ? stack : `${asText(cause.name ?? 'Error')}: ${asText(cause.message ?? '')}`;
    }
    return asText(cause);
  } catch {
    return 'a value that cannot be read';
  }
}

function hasCause(error: Error): boolean {
  try {
    return error.cause !== undefined;
  } catch {
    return false;
  }
}

/**
 * Permanent failures skip the remaining attempts: UnrecoverableTaskError, a
 * payload its schema refused (TaskPayloadError), an error from a pipe
 * (validation), and a guard's denial (401/403 thrown before
 * the pipes). Everything else is retried while attempts remain.
 */
export function classifyFailure(thrown: unknown, stage: PipelineStage, note?: string): Failure {
  const error = describeThrown(thrown, note);
  if (isInstance(thrown, UnrecoverableTaskError) || isInstance(thrown, TaskPayloadError)) return { error, permanent: true };
  if (stage === 'pipes') return { error, permanent: true };
  if (stage === 'before-pipes' && isInstance(thrown, HttpException) && [401, 403].includes(thrown.getStatus())) {
    return { error, permanent: true };
  }
  return { error, permanent: false };
}
