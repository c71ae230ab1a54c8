/** `waitFor` rejects with this when its own timeout passes before the task finishes. */
export class WaitForTimeoutError extends Error {
  constructor(
    readonly taskId: string,
    readonly queue: string,
    readonly timeoutMs: number,
    /** What was seen of the task at the timeout, for the message: its state, and why it may not be running. */
    seen = 'the task is still pending',
  ) {
    super(`timed out after ${timeoutMs} ms waiting for task ${taskId} in queue '${queue}'; ${seen}`);
    this.name = 'WaitForTimeoutError';
  }
}
