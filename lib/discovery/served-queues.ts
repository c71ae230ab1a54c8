import type { ResolvedTaskOptions } from '../config/resolved-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { RegisteredHandler, TaskHandlerRegistry } from './task-handler.registry.js';

/**
 * The queues this app's worker consumes, with their handlers: those the handlers name, narrowed to
 * `worker.queues` when it is given; none with `worker: false`. In the order the handlers were found.
 */
export function servedQueues(options: ResolvedTaskOptions, registry: TaskHandlerRegistry): Map<string, RegisteredHandler[]> {
  if (!options.worker) return new Map();
  const all = registry.byQueue();
  const only = options.worker.queues;
  if (only === null) return all;
  return new Map([...all].filter(([queue]) => only.includes(queue)));
}

/** The queues this app's handlers consume that its `worker.queues` leaves out (none when it lists none). */
export function leftOutQueues(options: ResolvedTaskOptions, registry: TaskHandlerRegistry): string[] {
  const only = options.worker?.queues;
  return only ? [...registry.byQueue().keys()].filter((queue) => !only.includes(queue)) : [];
}

/**
 * Throws when `worker.queues` names a queue no handler of this app consumes: a typo there would leave
 * that queue's tasks waiting with no word said. Called once every handler is known (module init), before
 * any bootstrap hook saves a schedule or opens a connection.
 */
export function checkServedQueues(options: ResolvedTaskOptions, registry: TaskHandlerRegistry): void {
  const only = options.worker?.queues;
  if (!only) return;
  const named = [...registry.byQueue().keys()];
  const unknown = only.filter((queue) => !named.includes(queue));
  if (unknown.length === 0) return;
  const handlers = named.length === 0 ? 'no @TaskHandler was found in this app' : `this app's handlers consume ${named.map((q) => `'${q}'`).join(', ')}`;
  throw new InvalidTaskOptionsError(
    `TaskModule options: worker.queues names ${unknown.map((q) => `'${q}'`).join(', ')}, which no handler of this app consumes (${handlers}): ` +
      'list only queues whose handlers this app provides',
  );
}
