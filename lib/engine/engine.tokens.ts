/** Injection token of the TaskEngine the producer and the worker use. */
export const TASK_ENGINE = Symbol('nestjs-redis-tasks:engine');
