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

  constructor(
    /** Aborted on timeout, shutdown past the grace period, or a lost lease. */
    readonly abort: LazyAbort,
  ) {}
}
