/** Why a store call failed, when Redis said: the kinds a caller may want to act on. */
export type TaskStoreFailure = 'out-of-memory' | 'permission-denied' | 'wrong-node' | 'unavailable' | 'not-replicated' | 'refused';

/**
 * Redis refused or failed a call of the library (out of memory, permission
 * denied, a node that does not serve the key, ...). The message says what
 * failed and what to do; `cause` is the Redis error, with credentials removed.
 */
export class TaskStoreError extends Error {
  constructor(
    message: string,
    /** What kind of failure it was. */
    readonly failure: TaskStoreFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TaskStoreError';
  }
}
