/** Injection token of the TaskEngine the producer, the worker and the event followers use. */
export const TASK_ENGINE = Symbol.for('nestjs-redis-tasks:task-engine');

/** Injection token of the ScheduleEngine behind recurring schedules. */
export const SCHEDULE_ENGINE = Symbol.for('nestjs-redis-tasks:schedule-engine');
