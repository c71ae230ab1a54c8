import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { TaskHandlerOptions } from './task-handler-options.interface.js';

/** A payload schema: any Standard Schema v1 (zod, valibot, arktype, ...) taking `In` and giving `Out`. */
export type TaskSchema<In = unknown, Out = In> = StandardSchemaV1<In, Out>;

// Type-only: what ties a definition's payload, result and schema output to
// the producer's and the handler's signatures. Never set at run time.
declare const TASK_TYPES: unique symbol;

/**
 * A task's name, its handler options and (optionally) its payload schema, made
 * with `defineTask`: passed to `@TaskHandler` and `enqueue` in place of the
 * name, it makes a wrong payload or result a compile error.
 * `P` is what producers enqueue, `R` what the handler returns, `O` what the
 * handler receives (the schema's output; `P` without a schema).
 */
export interface TaskDefinition<P = unknown, R = unknown, O = P> {
  readonly name: string;
  /** Handler options (queue, attempts, ...): the handler's, and what a producer without the handler applies. */
  readonly options: Readonly<TaskHandlerOptions>;
  readonly schema: TaskSchema<P, O> | undefined;
  /** Type-only, never present: carries P, R and O. */
  readonly [TASK_TYPES]?: { payload: P; result: R; output: O };
}

/** The payload type of a definition (or `unknown` for a name). */
export type PayloadOf<T> = T extends TaskDefinition<infer P, unknown, unknown> ? P : unknown;

/** The result type of a definition (or `unknown` for a name). */
export type ResultOf<T> = T extends TaskDefinition<unknown, infer R, unknown> ? R : unknown;
