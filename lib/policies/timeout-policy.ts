import { TaskTimeoutError } from '../errors/task-timeout.error.js';
import { timers } from '../timers/own-timers.js';

/**
 * Settles with `work`, or rejects with TaskTimeoutError after `timeoutMs`
 * (0 = no limit) and aborts `controller` so a cooperative handler can stop.
 * The worker slot is freed at the timeout even if the handler never settles.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, controller: { abort(reason: unknown): void }): Promise<T> {
  if (timeoutMs <= 0) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = timers.setTimeout(() => {
      const error = new TaskTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    work.then(
      (value) => {
        timers.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
