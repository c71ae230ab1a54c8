import type { LoggerService } from '@nestjs/common';
import type { TaskEvent, TaskEventType } from '../interfaces/task-event.interface.js';

/** One checked @OnTaskEvent: which events of which queue go to which method. */
export interface TaskEventBinding {
  type: TaskEventType;
  queue: string;
  /** Only tasks of this name; null: all. */
  name: string | null;
  /** `Class.method`, for log lines. */
  source: string;
}

/**
 * The function the queue's follower calls for every event: it passes on only
 * the bound type and name, and never throws. A listener that throws or rejects
 * is logged once, with the task it failed on, and the stream goes on for it
 * and every other listener. Listeners are not awaited: a slow one holds up
 * neither the stream nor waitFor.
 */
export function createTaskEventListener(
  binding: TaskEventBinding,
  call: (event: TaskEvent) => unknown,
  logger: Pick<LoggerService, 'error'>,
): (event: TaskEvent) => void {
  const report = (event: TaskEvent, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error ? error.stack : undefined;
    logger.error(`@OnTaskEvent('${binding.type}') ${binding.source} failed on task ${event.id} ('${event.name}') of queue '${event.queue}': ${message}`, stack);
  };
  return (event) => {
    if (event.type !== binding.type || (binding.name !== null && event.name !== binding.name)) return;
    try {
      const returned = call(event);
      if (isThenable(returned)) Promise.resolve(returned).catch((error: unknown) => report(event, error));
    } catch (error) {
      report(event, error);
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
