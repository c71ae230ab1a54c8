import { Injectable } from '@nestjs/common';
import { DuplicateTaskHandlerError } from '../errors/duplicate-task-handler.error.js';
import type { TaskInvoker } from '../execution/task-pipeline.factory.js';
import type { DeclaredSchedule, HandlerDefaults, HandlerSettings } from './handler-options.normalizer.js';

/** A discovered handler, ready to run. */
export interface RegisteredHandler extends HandlerSettings {
  /** The queue it consumes (its defaults' queue). */
  queue: string;
  invoke: TaskInvoker;
  /** "Class.method", for messages. */
  source: string;
  /** The module declaring its provider: named when one class declared in two modules claims a name twice. */
  module?: string;
}

/** Task name -> handler, for this app. */
@Injectable()
export class TaskHandlerRegistry {
  private readonly handlers = new Map<string, RegisteredHandler>();
  private explored = false;

  /** Whether the app's providers were searched for handlers (at module init): before that, none is known. */
  get complete(): boolean {
    return this.explored;
  }

  /** Called once every provider has been searched. */
  markComplete(): void {
    this.explored = true;
  }

  /** Adds a handler; a second handler for one name is a bootstrap error. */
  register(handler: RegisteredHandler): void {
    const existing = this.handlers.get(handler.name);
    if (existing) {
      const sameClass = existing.source === handler.source;
      const where = (h: RegisteredHandler) => (sameClass && h.module ? `${h.source} (in ${h.module})` : h.source);
      const hint = !sameClass
        ? undefined
        : existing.module === handler.module
          ? `module ${handler.module} holds two instances of the class: it lists the class under two tokens (useClass), or it was ` +
            'imported twice as two dynamic modules (register() or forRoot() called twice, say). Keep one instance: provide a ' +
            'second token with useExisting, and declare the handler class in a module imported once'
          : 'one class listed in the providers of two modules is two providers: list it in one module and export it from there';
      throw new DuplicateTaskHandlerError(handler.name, where(existing), where(handler), hint);
    }
    this.handlers.set(handler.name, handler);
  }

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  /** What enqueue takes from this app's handler for `name`, if there is one. */
  defaultsFor(name: string): HandlerDefaults | undefined {
    return this.handlers.get(name)?.defaults;
  }

  /** The fleet-wide limits of a queue's handlers: task name -> most running at once. */
  limitsOf(queue: string): ReadonlyMap<string, number> {
    const limits = new Map<string, number>();
    for (const h of this.handlers.values()) if (h.queue === queue && h.globalConcurrency !== null) limits.set(h.name, h.globalConcurrency);
    return limits;
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
