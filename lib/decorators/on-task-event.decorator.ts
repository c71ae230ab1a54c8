import { Reflector } from '@nestjs/core';
import { appendTo } from './listener-metadata.js';
import type { TaskDefinition } from '../interfaces/task-definition.interface.js';
import type { TaskEventType } from '../interfaces/task-event.interface.js';

/** Options of @OnTaskEvent. */
export interface OnTaskEventOptions {
  /** Only events of tasks with this name or definition (default: every task of the queue). */
  name?: string | TaskDefinition<unknown, unknown, unknown>;
  /**
   * The queue to follow. Default: where enqueue sends a task of `name`: the queue of this app's handler
   * for it, else the definition's queue, else `'default'` (also `'default'` without `name`).
   */
  queue?: string;
}

/** One @OnTaskEvent on a method, as stored (unchecked: the explorer checks it at bootstrap). */
export interface OnTaskEventMetadata {
  type: TaskEventType;
  options: OnTaskEventOptions;
}

/**
 * The typed metadata decorator behind @OnTaskEvent: a list, so one method can
 * carry several (`@OnTaskEvent('completed') @OnTaskEvent('dead')`). Read it
 * with `reflector.get(OnTaskEventMeta, method)`.
 */
export const OnTaskEventMeta = Reflector.createDecorator<OnTaskEventMetadata[]>({ key: 'nestjs-redis-tasks:on-event' });

/**
 * Calls the provider method with each `type` event of the queue (default: the
 * queue of `name`'s tasks, else `'default'`), from any process, optionally
 * only for tasks named `name`.
 * Subscribed at bootstrap; the arguments are checked there. A listener that
 * throws (or rejects) is logged and changes nothing for other listeners.
 */
export function OnTaskEvent(type: TaskEventType, options: OnTaskEventOptions = {}): MethodDecorator {
  return appendTo(OnTaskEventMeta, { type, options }, `@OnTaskEvent(${JSON.stringify(type)})`);
}
