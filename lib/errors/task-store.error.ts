/** Why a store call failed, when Redis said: the kinds a caller may want to act on. */
export type TaskStoreFailure = 'out-of-memory' | 'permission-denied' | 'wrong-node' | 'unavailable' | 'not-replicated' | 'refused';

/**
 * Redis refused or failed a call of the library (out of memory, permission
 * denied, a node that does not serve the key, ...). The message says what
 * failed and what to do; `cause` is the Redis error, with credentials removed.
 */
export class TaskStoreError extends Error {
  /**
   * Of a failed enqueue: its tasks (their refs), each to re-send with its `id`
   * (an id the library generated is known only here); a stored task is not
   * added twice. Of a 'not-replicated' one: the tasks it wrote on the master.
   * Declared, not a field: a field would show as `tasks: undefined` in every
   * other failure's printout.
   */
  declare readonly tasks?: ReadonlyArray<{ readonly id: string; readonly queue: string }>;

  constructor(
    message: string,
    /** What kind of failure it was. */
    readonly failure: TaskStoreFailure,
    options?: { cause?: unknown; tasks?: ReadonlyArray<{ readonly id: string; readonly queue: string }> },
  ) {
    super(message, options);
    this.name = 'TaskStoreError';
    if (options?.tasks) this.tasks = options.tasks;
  }
}
