/** The reason an attempt's signal is aborted with, and the error recorded, when it outlives its timeout. */
export class TaskTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`task timed out after ${timeoutMs} ms`);
    this.name = 'TaskTimeoutError';
  }
}
