import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import type { FetchedTask } from '../engine/attempt.js';
import { bytesOver } from '../engine/payload-json.js';
import { collectionLostInJson, describeLostCollection } from '../engine/json-collections.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { MAX_DELAY_MS } from '../config/option-ranges.js';
import type { AttemptState } from '../execution/attempt-state.js';
import { boundedMessage, classifyFailure, describeThrown, isInstance, safeText, type Failure } from '../execution/failure.js';
import { TaskContext, type TaskContextIo } from '../execution/task-context.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import { withTimeout } from '../policies/timeout-policy.js';
import { validatePayload } from '../execution/payload-schema.js';

/**
 * How one attempt ended. `poison`: the stored task itself is unusable (not
 * the handler's doing). `limited`: the handler threw RateLimitedError.
 * `resultJson` undefined: the handler returned nothing.
 */
export type RunOutcome =
  | { kind: 'completed'; resultJson: string | undefined; result: unknown }
  | ({ kind: 'failed'; poison?: boolean; thrown?: unknown } & Failure)
  | { kind: 'limited'; delayMs: number; error: TaskErrorInfo; thrown: unknown };

/** A failure in the library's words, which may quote the handler's (a toJSON's error): kept within the limits. */
function failed(message: string, permanent: boolean): RunOutcome {
  return { kind: 'failed', error: { message: boundedMessage(message) }, permanent };
}

/**
 * Runs one attempt of one task: pipeline, time limit, result encoding. Never
 * rejects. Written as one promise chain, not awaits: it runs for every task.
 */
export function runAttempt(
  queue: string,
  task: FetchedTask,
  handler: RegisteredHandler | undefined,
  state: AttemptState,
  io: TaskContextIo,
  maxResultBytes: number,
): Promise<RunOutcome> {
  if (!handler) return Promise.resolve(failed(`no handler for ${task.name}`, true));
  if (task.unreadable !== undefined) return Promise.resolve<RunOutcome>({ kind: 'failed', error: { message: task.unreadable }, permanent: true, poison: true });
  const ctx = new TaskContext(task.id, task.name, queue, task.attempt, task.maxAttempts, task.enqueuedAt, state, io);
  const invoke = (payload: unknown) => withTimeout(handler.invoke(payload, ctx), task.timeoutMs, state.abort);
  let running: Promise<unknown>;
  try {
    // The schema runs before the pipeline: guards, interceptors and the handler see its output.
    running = handler.schema ? validatePayload(handler.schema, task.payload, task.name, `task ${task.id} ('${task.name}')`).then(invoke) : invoke(task.payload);
  } catch (thrown) {
    running = Promise.reject(thrown);
  }
  return running.then((result) => encodeResult(result, maxResultBytes), (thrown: unknown) => failure(thrown, state));
}

const UNREAD_RATE_LIMIT = '(a RateLimitedError whose retryAfterMs could not be read or is out of range: it failed as any error does, the attempt counted)';

/** The outcome of a thrown value. Never throws: it runs where a throw would end the worker's process. */
function failure(thrown: unknown, state: AttemptState): RunOutcome {
  const limited = isInstance(thrown, RateLimitedError);
  const delayMs = limited ? rateLimitDelay(thrown) : null;
  if (delayMs !== null) {
    // Within the limits any error is kept to, as the message may be the handler's own.
    const { message, name } = describeThrown(thrown);
    return { kind: 'limited', delayMs, error: { message, ...(name !== undefined && { name }) }, thrown };
  }
  // The record says why a rate limit counted an attempt: the handler asked for a wait.
  const { error, permanent } = classifyFailure(thrown, state.stage, limited ? UNREAD_RATE_LIMIT : undefined);
  return { kind: 'failed', error, permanent, thrown };
}

/**
 * The delay a RateLimitedError asks for, or null when its retryAfterMs
 * cannot be read or is out of range (a subclass's getter, a Proxy).
 */
function rateLimitDelay(thrown: RateLimitedError): number | null {
  try {
    const ms = Math.ceil(thrown.retryAfterMs);
    return Number.isFinite(ms) && ms >= 0 && ms <= MAX_DELAY_MS ? ms : null;
  } catch {
    return null;
  }
}

/**
 * A handler's return value as stored; values JSON cannot carry (a Map or a
 * Set included, which it would store as `{}`), and results over
 * maxResultBytes, fail the attempt for good (a retry returns the same).
 */
function encodeResult(result: unknown, maxBytes: number): RunOutcome {
  if (result === undefined) return { kind: 'completed', resultJson: undefined, result };
  if (typeof result === 'function' || typeof result === 'symbol') {
    return failed(`handler returned a ${typeof result}, which JSON cannot encode`, true);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch (error) {
    return failed(`handler returned a value JSON cannot encode (${safeText(error)})`, true);
  }
  // A toJSON() that returned undefined: JSON has no form for it, as for an undefined result.
  if (json === undefined) return { kind: 'completed', resultJson: undefined, result };
  const lost = collectionLostInJson(result, json, 'result');
  if (lost !== null) return failed(`handler returned a value JSON cannot encode: ${describeLostCollection(lost)}`, true);
  const bytes = bytesOver(json, maxBytes);
  if (bytes !== null) {
    return failed(
      `handler returned a result of ${bytes} bytes encoded, over the limit of ${maxBytes} (maxResultBytes); ` +
        'return where the data is (a key, a URL) rather than the data, or raise maxResultBytes',
      true,
    );
  }
  return { kind: 'completed', resultJson: json, result };
}
