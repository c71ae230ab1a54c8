import { Injectable } from '@nestjs/common';
import { DuplicateTaskHandlerError } from '../errors/duplicate-task-handler.error.js';
import type { TaskInvoker } from '../execution/task-pipeline.factory.js';
import type { ResolvedPolicy } from '../config/resolved-options.js';
import type { RemoveOption } from '../interfaces/retention-option.js';
import type { HandlerDefaults } from '../producer/enqueue-options.normalizer.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';

/** A recurring schedule declared with `@TaskHandler(name, { schedule })`, validated at bootstrap. */
export interface DeclaredSchedule {
  spec: ScheduleSpec;
  payloadJson: string;
}

/** A discovered handler, ready to run. */
export interface RegisteredHandler {
  name: string;
  queue: string;
  /** Most runs at once in this process, or null for no handler-level limit. */
  concurrency: number | null;
  /** Most runs at once across the fleet, or null. */
  globalConcurrency: number | null;
  removeOnComplete?: RemoveOption;
  removeOnDead?: RemoveOption;
  /** The handler's own policy fields (unset ones fall back to module defaults). */
  policy: Partial<ResolvedPolicy>;
  invoke: TaskInvoker;
  /** The schedule its options declare, if any (upserted at bootstrap with the task name as its id). */
  schedule?: DeclaredSchedule;
  /** "Class.method", for messages. */
  source: string;
}

/** Task name -> handler, for this app. */
@Injectable()
export class TaskHandlerRegistry {
  private readonly handlers = new Map<string, RegisteredHandler>();

  /** Adds a handler; a second handler for one name is a bootstrap error. */
  register(handler: RegisteredHandler): void {
    const existing = this.handlers.get(handler.name);
    if (existing) throw new DuplicateTaskHandlerError(handler.name, existing.source, handler.source);
    this.handlers.set(handler.name, handler);
  }

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  /** What enqueue takes from this app's handler for `name`, if there is one. */
  defaultsFor(name: string): HandlerDefaults | undefined {
    const handler = this.handlers.get(name);
    return handler && { queue: handler.queue, ...handler.policy, removeOnComplete: handler.removeOnComplete, removeOnDead: handler.removeOnDead };
  }

  /** The fleet-wide limits of a queue's handlers, as fetch takes them: 'name=limit;...'. */
  limitsOf(queue: string): string {
    return [...this.handlers.values()]
      .filter((h) => h.queue === queue && h.globalConcurrency !== null)
      .map((h) => `${h.name}=${h.globalConcurrency}`)
      .join(';');
  }

  /** Handlers that declare a schedule. */
  scheduled(): Array<RegisteredHandler & { schedule: DeclaredSchedule }> {
    return [...this.handlers.values()].filter((h): h is RegisteredHandler & { schedule: DeclaredSchedule } => h.schedule !== undefined);
  }

  /** Handlers grouped by the queue they consume. */
  byQueue(): Map<string, RegisteredHandler[]> {
    const queues = new Map<string, RegisteredHandler[]>();
    for (const handler of this.handlers.values()) {
      const group = queues.get(handler.queue);
      if (group) group.push(handler);
      else queues.set(handler.queue, [handler]);
    }
    return queues;
  }
}
