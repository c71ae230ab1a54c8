import type { TaskContext } from './task-context.js';

/**
 * What a request-scoped handler's context stands for, as Nest's microservices
 * register a RequestContext: the task's name, its payload and its
 * TaskContext. It is what `@Inject(REQUEST)` gives in such a provider and what
 * a ContextIdStrategy's `attach(contextId, request)` receives (key durable
 * trees on `request.payload`, e.g. a tenant id).
 */
export interface TaskRequest<P = unknown> {
  readonly name: string;
  readonly payload: P;
  readonly context: TaskContext;
}

const TASK_REQUEST = Symbol.for('nestjs-redis-tasks:task-request');

/** The request registered for one run of a request-scoped handler. */
export function taskRequest(payload: unknown, context: TaskContext): TaskRequest {
  return { name: context.name, payload, context, [TASK_REQUEST]: true } as TaskRequest;
}

/** Whether `value` is a TaskRequest this library registered. */
export function isTaskRequest(value: unknown): value is TaskRequest {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[TASK_REQUEST] === true;
}

/**
 * Injection token of the running task's TaskContext, in providers resolved
 * for a task (a request-scoped handler's class and what it injects):
 * `@Inject(TASK_CONTEXT) task: TaskContext`. Null where no task is the request
 * (an HTTP request, a durable tree).
 */
export const TASK_CONTEXT = Symbol.for('nestjs-redis-tasks:task-context');
