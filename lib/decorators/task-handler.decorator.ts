import { Reflector } from '@nestjs/core';
import type { TaskHandlerOptions } from '../interfaces/task-handler-options.interface.js';

/** What @TaskHandler stores on a method. */
export interface TaskHandlerMetadata extends TaskHandlerOptions {
  name: string;
}

/** The typed metadata decorator behind @TaskHandler; read it with `reflector.get(TaskHandlerMeta, method)`. */
export const TaskHandlerMeta = Reflector.createDecorator<TaskHandlerMetadata>({ key: 'nestjs-redis-tasks:handler' });

/**
 * Marks a provider method as the handler of task `name`. The method receives
 * `(payload, task: TaskContext)` and runs through the guards, interceptors,
 * pipes and exception filters bound to it or its class. Options are checked at bootstrap.
 */
export function TaskHandler(name: string, options: TaskHandlerOptions = {}): MethodDecorator {
  return TaskHandlerMeta({ ...options, name });
}
