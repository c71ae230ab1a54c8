/**
 * `waitFor` rejects with this when no task has the given id in that queue
 * (`whileWaiting` false), or when the task disappeared while it waited:
 * cancelled, or removed by hand or by an eviction (`whileWaiting` true).
 * `foundIn` lists other queues of the prefix that hold a task of that id: a
 * bare id is looked for in 'default', and the task was enqueued elsewhere.
 */
export class TaskNotFoundError extends Error {
  constructor(
    readonly taskId: string,
    readonly queue: string,
    readonly whileWaiting = false,
    readonly foundIn: readonly string[] = [],
  ) {
    super(
      whileWaiting
        ? `task ${taskId} in queue '${queue}' was cancelled or removed while waitFor was waiting for it; it will not finish`
        : `no task ${taskId} in queue '${queue}' (never added, cancelled, or already removed by remove() or retention)${elsewhere(foundIn)}`,
    );
    this.name = 'TaskNotFoundError';
  }
}

function elsewhere(foundIn: readonly string[]): string {
  if (foundIn.length === 0) return '';
  const where = foundIn.map((q) => `'${q}'`).join(', ');
  return `; a task of this id is in queue ${where}: pass { queue: ${foundIn.length === 1 ? `'${foundIn[0]}'` : '...'} }, or the ref enqueue returned, which names its queue`;
}
