import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { fallbackPolicy, type FallbackPolicy, type ResolvedTaskOptions } from '../config/resolved-options.js';
import type { HandlerDefaults } from '../discovery/handler-options.normalizer.js';
import type { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import type { QueuedTask } from '../engine/new-task.js';
import { validatePayload } from '../execution/payload-schema.js';
import type { EnqueueOptions } from '../interfaces/enqueue-options.interface.js';
import type { TaskDefinition, TaskSchema } from '../interfaces/task-definition.interface.js';
import { definitionDefaults } from '../discovery/definition-defaults.js';
import { normalizeEnqueue } from './enqueue-options.normalizer.js';

/** A task named by its name or its definition. */
export type TaskName = string | TaskDefinition<unknown, unknown, unknown>;

/** An enqueue made ready to store, with the schema its payload must still pass (if any). */
export interface PreparedTask {
  item: QueuedTask;
  schema: TaskSchema | undefined;
}

/**
 * Turns enqueue arguments into tasks to store. A definition stands for its
 * name, and its options act as the handler's when this app has no handler
 * for it (a producer-only app still enqueues into the right queue with the
 * right policy). A schema (the definition's, or this app's handler's) checks
 * the payload as the worker will see it, after its JSON round trip.
 */
export class EnqueuePreparer {
  private readonly definitionDefaults = new WeakMap<object, HandlerDefaults>();
  /** Each queue's fallback policy, worked out once: the options it comes from do not change. */
  private readonly fallbacks = new Map<string, FallbackPolicy>();
  private readonly fallbackOf = (queue: string): FallbackPolicy => {
    let policy = this.fallbacks.get(queue);
    if (!policy) this.fallbacks.set(queue, (policy = fallbackPolicy(this.options, queue)));
    return policy;
  };

  constructor(
    private readonly registry: TaskHandlerRegistry,
    private readonly options: ResolvedTaskOptions,
    private readonly newId: () => string,
  ) {}

  /** Checks and resolves one enqueue; throws before anything is written. */
  prepare(task: TaskName, payload: unknown, options: EnqueueOptions | undefined): PreparedTask {
    const definition = typeof task === 'object' && task !== null ? task : undefined;
    if (definition && (typeof definition.name !== 'string' || typeof definition.options !== 'object')) {
      throw new InvalidTaskOptionsError(`enqueue: the task must be a name or a definition made by defineTask(), got an object with keys ${JSON.stringify(Object.keys(definition))}`);
    }
    const name: unknown = definition ? definition.name : task;
    const handler = typeof name === 'string' ? this.registry.get(name) : undefined;
    const defaults = handler?.defaults ?? (definition && this.defaultsOf(definition));
    const item = normalizeEnqueue(name, payload, options, defaults, this.fallbackOf, this.options.maxPayloadBytes, this.newId);
    return { item, schema: definition?.schema ?? handler?.schema };
  }

  /** The task once its payload passed its schema; rejects with TaskPayloadError listing the issues. */
  async checked({ item, schema }: PreparedTask): Promise<QueuedTask> {
    if (schema) await validatePayload(schema, JSON.parse(item.task.payloadJson) as unknown, item.task.name);
    return item;
  }

  /** A definition's options as handler defaults, checked once per definition. */
  private defaultsOf(definition: TaskDefinition<unknown, unknown, unknown>): HandlerDefaults {
    let defaults = this.definitionDefaults.get(definition);
    if (!defaults) {
      defaults = definitionDefaults(definition, this.options.maxPayloadBytes);
      this.definitionDefaults.set(definition, defaults);
    }
    return defaults;
  }
}
