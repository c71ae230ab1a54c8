/** `waitFor` rejects with this when no task has the given id in that queue. */
export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string, readonly queue: string) {
    super(`no task ${taskId} in queue '${queue}' (never added, cancelled, or already removed by retention)`);
    this.name = 'TaskNotFoundError';
  }
}
