import { stageOf } from '../execution/attempt-state.js';
import { TaskContext } from '../execution/task-context.js';
import { classifyFailure, type Failure } from '../execution/failure.js';
import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import type { LazyAbort } from '../execution/lazy-abort.js';
import type { TaskContextIo } from '../execution/task-context.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import { withTimeout } from '../policies/timeout-policy.js';
import type { FetchedTask } from '../engine/task-engine.js';

/**
 * How one attempt ended. `poison`: the stored task itself is unusable (not
 * the handler's doing). `limited`: the handler threw RateLimitedError.
 */
export type RunOutcome =
  | { kind: 'completed'; resultJson: string }
  | ({ kind: 'failed'; poison?: boolean } & Failure)
  | { kind: 'limited'; delayMs: number; error: TaskErrorInfo };

function failed(message: string, permanent: boolean): RunOutcome {
  return { kind: 'failed', error: { message }, permanent };
}

/** Runs one attempt of one task: decode, pipeline, time limit, result encoding. Never throws. */
export async function runAttempt(
  queue: string,
  task: FetchedTask,
  handler: RegisteredHandler | undefined,
  controller: LazyAbort,
  io: TaskContextIo,
): Promise<RunOutcome> {
  if (!handler) return failed(`no handler for ${task.name}`, true);
  let payload: unknown;
  try {
    payload = JSON.parse(task.payloadJson);
  } catch (error) {
    return { ...failed(`payload is not valid JSON (${error instanceof Error ? error.message : String(error)})`, true), poison: true } as RunOutcome;
  }
  const ctx = new TaskContext(task.id, task.name, queue, task.attempt, task.maxAttempts, controller, io);
  let result: unknown;
  try {
    result = await withTimeout(handler.invoke(payload, ctx), task.timeoutMs, controller);
  } catch (thrown) {
    if (thrown instanceof RateLimitedError) {
      return { kind: 'limited', delayMs: Math.ceil(thrown.retryAfterMs), error: { message: thrown.message, name: thrown.name } };
    }
    return { kind: 'failed', ...classifyFailure(thrown, stageOf(ctx)) };
  }
  return encodeResult(result);
}

/** A handler's return value as stored; values JSON cannot carry fail the attempt for good (a retry returns the same). */
function encodeResult(result: unknown): RunOutcome {
  if (result === undefined) return { kind: 'completed', resultJson: '' };
  if (typeof result === 'function' || typeof result === 'symbol') {
    return failed(`handler returned a ${typeof result}, which JSON cannot encode`, true);
  }
  try {
    return { kind: 'completed', resultJson: JSON.stringify(result) };
  } catch (error) {
    return failed(`handler returned a value JSON cannot encode (${error instanceof Error ? error.message : String(error)})`, true);
  }
}
