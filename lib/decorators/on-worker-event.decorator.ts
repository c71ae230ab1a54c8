import { Reflector } from '@nestjs/core';
import { appendTo } from './listener-metadata.js';
import type { TaskDefinition } from '../interfaces/task-definition.interface.js';
import type { WorkerEventType } from '../interfaces/worker-event.interface.js';

/** Options of @OnWorkerEvent. */
export interface OnWorkerEventOptions {
  /** Only events of tasks with this name (or definition); 'error' events have no task and ignore it. */
  name?: string | TaskDefinition<unknown, unknown, unknown>;
  /** Only events of this queue (default: every queue this app's worker runs). */
  queue?: string;
}

/** One @OnWorkerEvent on a method, as stored (unchecked: the explorer checks it at bootstrap). */
export interface OnWorkerEventMetadata {
  type: WorkerEventType;
  options: OnWorkerEventOptions;
}

/** The typed metadata decorator behind @OnWorkerEvent: a list, so one method can carry several. */
export const OnWorkerEventMeta = Reflector.createDecorator<OnWorkerEventMetadata[]>({ key: 'nestjs-redis-tasks:on-worker-event' });

/**
 * Calls the provider method with each `type` event of this app's worker, in
 * the order they happen, synchronously as the worker reaches them: 'active'
 * before an attempt's pipeline and handler start, 'progress' as the handler
 * reports it, 'completed' or 'failed' (every failed attempt, with whether it
 * will retry) as the attempt ends, before its outcome is recorded, so before
 * a waitFor in this process resolves; 'error' for the worker's own failures.
 * The method's return value is not awaited; a listener that throws or rejects
 * is logged and changes nothing for the task. Use @OnTaskEvent for the
 * fleet-wide stream.
 */
export function OnWorkerEvent(type: WorkerEventType, options: OnWorkerEventOptions = {}): MethodDecorator {
  return appendTo(OnWorkerEventMeta, { type, options }, `@OnWorkerEvent(${JSON.stringify(type)})`);
}
