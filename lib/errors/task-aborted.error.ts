/** Why the worker stopped an attempt from outside (a timeout aborts with TaskTimeoutError instead). */
export type TaskAbortKind = 'shutdown' | 'lease-lost';

/**
 * The reason a handler's `signal` is aborted with when the worker stops the
 * attempt from outside, not because the task failed: `'shutdown'` when the
 * app's shutdown grace period ended first (the task is handed back and this
 * attempt not counted), `'lease-lost'` when the task was taken back meanwhile
 * (cancelled, removed, or recovered by another worker after a stall; this
 * attempt's outcome is discarded). A handler can tell these apart from its
 * timeout, e.g. to save its progress before it stops.
 */
export class TaskAbortedError extends Error {
  constructor(readonly taskId: string, readonly kind: TaskAbortKind) {
    super(
      kind === 'shutdown'
        ? `worker shutting down: task ${taskId} handed back before it finished; this attempt is not counted and the task runs again`
        : `lease lost: task ${taskId} was taken back (cancelled, recovered or removed); this attempt's outcome will be discarded`,
    );
    this.name = 'TaskAbortedError';
  }
}
