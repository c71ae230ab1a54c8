/**
 * `waitFor` rejects with this when no task has the given id in that queue
 * (`whileWaiting` false), or when the task disappeared while it waited:
 * cancelled, or removed by hand or by an eviction (`whileWaiting` true).
 */
export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string, readonly queue: string, readonly whileWaiting = false) {
    super(
      whileWaiting
        ? `task ${taskId} in queue '${queue}' was cancelled or removed while waitFor was waiting for it; it will not finish`
        : `no task ${taskId} in queue '${queue}' (never added, cancelled, or already removed by remove() or retention)`,
    );
    this.name = 'TaskNotFoundError';
  }
}
