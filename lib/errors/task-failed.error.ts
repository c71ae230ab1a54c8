/** `waitFor` rejects with this when the task ends dead; `message` is the task's last error message. */
export class TaskFailedError extends Error {
  constructor(
    readonly taskId: string,
    readonly queue: string,
    message: string,
    /** The stack recorded where the task failed, in the worker that ran it. */
    readonly taskStack?: string,
  ) {
    super(message);
    this.name = 'TaskFailedError';
  }
}
