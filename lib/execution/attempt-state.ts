import type { LazyAbort } from './lazy-abort.js';

/**
 * How far a task got through Nest's pipeline: before the pipes (guards and
 * interceptors), in the pipes, or in the handler. It tells a guard's denial or
 * a pipe's validation error (permanent) from a handler failure (retried).
 */
export type PipelineStage = 'before-pipes' | 'pipes' | 'handler';

/** What the worker and the pipeline know about one running attempt, beyond what the handler sees. */
export class AttemptState {
  /** The furthest pipeline stage the attempt reached. */
  stage: PipelineStage = 'before-pipes';
  /** The guard that denied the attempt (returned false or threw), if one did. */
  deniedBy: object | undefined = undefined;
  /**
   * The worker gave the attempt up: handed back at shutdown, or its lease was
   * lost. Its outcome is not recorded, and it ends with no completed or failed
   * worker event (the task was not run to an end here: it runs again).
   */
  abandoned = false;
  /**
   * Called once when the worker gives the attempt up, for what must end then
   * rather than when the handler does: a handler that ignores its signal may never end.
   */
  onAbandon: (() => void) | undefined = undefined;

  constructor(
    /** Aborted on timeout, shutdown past the grace period, or a lost lease. */
    readonly abort: LazyAbort,
  ) {}

  /** Gives the attempt up (see abandoned) and aborts the handler's signal with `reason`. */
  abandon(reason: unknown): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.abort.abort(reason);
    this.onAbandon?.();
  }
}
