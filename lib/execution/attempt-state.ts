import type { TaskContext } from './task-context.js';

/**
 * How far a task got through Nest's pipeline: before the pipes (guards and
 * interceptors), in the pipes, or in the handler. It tells a guard's denial or
 * a pipe's validation error (permanent) from a handler failure (retried).
 */
export type PipelineStage = 'before-pipes' | 'pipes' | 'handler';

const stages = new WeakMap<TaskContext, PipelineStage>();

/** Records that `ctx` reached `stage`. */
export function markStage(ctx: TaskContext, stage: PipelineStage): void {
  stages.set(ctx, stage);
}

/** The furthest stage `ctx` reached. */
export function stageOf(ctx: TaskContext): PipelineStage {
  return stages.get(ctx) ?? 'before-pipes';
}
