import { taskOptionHint } from '../config/renamed-options.js';
import { checkInteger, checkKnownKeys, checkName, checkPolicy, checkQueueName, checkRemoveOption, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { TaskDefinition, TaskSchema } from '../interfaces/task-definition.interface.js';
import type { TaskHandlerOptions } from '../interfaces/task-handler-options.interface.js';

/** Options of `defineTask`: any handler option, and an optional payload schema. */
export interface DefineTaskOptions<P = unknown, O = P> extends TaskHandlerOptions {
  /** Any Standard Schema v1 (zod, valibot, arktype, ...): checked at enqueue and again before the handler runs. */
  schema?: TaskSchema<P, O>;
}

const KEYS = {
  queue: true, attempts: true, backoff: true, timeout: true, concurrency: true, globalConcurrency: true,
  removeOnComplete: true, removeOnDead: true, schedule: true, schema: true,
} as const satisfies OptionKeys<DefineTaskOptions>;

/**
 * Defines a task once, for its producers and its handler: its name, its
 * handler options and its payload schema, with the payload type `P`, the
 * result type `R` and the handler's payload type `O` (the schema's output).
 * `@TaskHandler(definition)` and `enqueue(definition, payload)` then check
 * both sides at compile time, and a schema checks payloads at run time. The
 * name, the schema and the values of the task's policy are checked here, so a
 * bad one fails where it is written; the schedule at bootstrap, with the module's payload limit.
 */
export function defineTask<P = unknown, R = unknown, O = P>(name: string, options: DefineTaskOptions<P, O> = {}): TaskDefinition<P, R, O> {
  const where = `defineTask('${String(name)}')`;
  checkName(name, 'defineTask', 'the task name');
  if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`${where}: options must be an object, got ${describeValue(options)}`);
  checkKnownKeys(options, KEYS, where, '', taskOptionHint);
  const { schema, ...handlerOptions } = options;
  checkPolicy(handlerOptions, where);
  if (handlerOptions.queue !== undefined) checkQueueName(handlerOptions.queue, where, 'queue');
  checkRemoveOption(handlerOptions.removeOnComplete, where, 'removeOnComplete');
  checkRemoveOption(handlerOptions.removeOnDead, where, 'removeOnDead');
  for (const field of ['concurrency', 'globalConcurrency'] as const) {
    if (handlerOptions[field] !== undefined) checkInteger(handlerOptions[field], where, field, 1);
  }
  if (schema !== undefined && !isStandardSchema(schema)) {
    throw new InvalidTaskOptionsError(`${where}: schema must be a Standard Schema v1 (an object with a '~standard' property, as zod, valibot and arktype schemas have)`);
  }
  return Object.freeze({ name, options: Object.freeze({ ...handlerOptions }), schema });
}

/** Whether `value` is a Standard Schema v1. */
function isStandardSchema(value: unknown): value is TaskSchema {
  if ((value === null || typeof value !== 'object') && typeof value !== 'function') return false;
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return standard !== null && typeof standard === 'object' && standard.version === 1 && typeof standard.validate === 'function';
}
