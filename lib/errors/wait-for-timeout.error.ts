/** `waitFor` rejects with this when its own timeout passes before the task finishes. */
export class WaitForTimeoutError extends Error {
  constructor(readonly taskId: string, readonly queue: string, readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for task ${taskId} in queue '${queue}'; the task is still pending`);
    this.name = 'WaitForTimeoutError';
  }
}
