import type { BackoffOptions } from './backoff-options.interface.js';
import type { TaskDefinition } from './task-definition.interface.js';
import type { RemoveOption, RetentionOverride } from './retention-option.js';
import type { TaskPolicyOptions } from './task-policy-options.interface.js';
import type { TaskRef } from './task-ref.interface.js';

/** Options of one `enqueue`. They win over the handler's options, which win over module defaults. */
export interface EnqueueOptions extends TaskPolicyOptions {
  /** Idempotency key: while a task with this id exists in the queue, enqueue adds nothing and returns it. */
  id?: string | undefined;
  /** Run no sooner than this many ms from now (judged by Redis time). */
  delay?: number | undefined;
  /** Run no sooner than this moment. Exclusive with `delay`. */
  runAt?: Date | undefined;
  /** Integer from -1,000,000 to 1,000,000; higher runs first; default 0. */
  priority?: number | undefined;
  /** Queue to add the task to (default: the handler's queue if this app has the handler, else `'default'`). */
  queue?: string | undefined;
  /** Tasks (ids in the same queue, or refs) that must complete before this one runs; it is 'blocked' until then. */
  dependsOn?: ReadonlyArray<string | TaskRef> | undefined;
  /** When a dependency ends dead: 'dead' (default) ends this task dead too; 'run' runs it anyway. */
  dependencyFailure?: 'dead' | 'run' | undefined;
  /** Retention of this task once completed, over the handler's and module's. */
  removeOnComplete?: RemoveOption | undefined;
  /** Retention of this task once dead, over the handler's and module's. */
  removeOnDead?: RemoveOption | undefined;
}

/** One item of `enqueueMany`: a task by name or by definition. */
export interface EnqueueManyItem<P = unknown> {
  name: string | TaskDefinition<P, unknown, unknown>;
  payload: P;
  options?: EnqueueOptions | undefined;
}

/** One item by definition: its payload checked against the definition's. */
export interface TypedEnqueueManyItem<P, R, O> {
  name: TaskDefinition<P, R, O>;
  payload: P;
  options?: EnqueueOptions | undefined;
}

/** What an item of `enqueueMany` must be: by definition, typed as its definition says; by name, anything. */
export type CheckedEnqueueManyItem<I> = I extends { name: TaskDefinition<infer P, infer R, infer O> } ? TypedEnqueueManyItem<P, R, O> : EnqueueManyItem<unknown>;

/** The result type of an `enqueueMany` item's task: its definition's, or unknown by name. */
export type ResultOfItem<I> = I extends { name: TaskDefinition<unknown, infer R, unknown> } ? R : unknown;

/**
 * A task as the enqueue-options normaliser resolves it, ready to store: every
 * policy field resolved, nothing encoded for a store. It sits beside the
 * options it comes from, so an option and its resolved form change together;
 * engines take it as it is (see engine/new-task.ts).
 */
export interface NewTask {
  /** The caller's idempotency key, or one the producer generated before the call left the process. */
  id: string;
  name: string;
  /** The payload's JSON text (checked against maxPayloadBytes before it got here). */
  payloadJson: string;
  priority: number;
  delayMs: number;
  /** Absolute due time in epoch ms, or null. */
  runAt: number | null;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  /** 0 = no limit. */
  timeoutMs: number;
  /** Ids (in the same queue) that must complete first. */
  dependsOn: readonly string[];
  dependencyFailure: 'dead' | 'run';
  /** This task's retention once completed, over the module's; null: the module's. */
  removeOnComplete: RetentionOverride | null;
  /** This task's retention once dead, over the module's; null: the module's. */
  removeOnDead: RetentionOverride | null;
  /** The trace context of the enqueue span (a JSON carrier of the app's propagator); absent when tracing is off. */
  traceContext?: string | undefined;
}
