/**
 * `waitFor` rejects with this when the app shuts down while it waits (and at
 * once when called after that): the app stops following the queue's events,
 * so the task's outcome can no longer be seen here.
 */
export class WaitForAbortedError extends Error {
  constructor(readonly taskId: string, readonly queue: string) {
    super(`stopped waiting for task ${taskId} in queue '${queue}': the app is shutting down; the task itself is not affected, look it up with get() from a running app`);
    this.name = 'WaitForAbortedError';
  }
}
