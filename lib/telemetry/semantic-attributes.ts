/** The `messaging.system` this library reports. */
export const MESSAGING_SYSTEM = 'nestjs-redis-tasks';
/** Name (and instrumentation scope) of its tracer and meter. */
export const INSTRUMENTATION_NAME = 'nestjs-redis-tasks';

/**
 * Attribute names: the OpenTelemetry messaging semantic conventions where
 * they have one, and this library's own namespace for the rest.
 */
export const ATTR = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  errorType: 'error.type',
  taskName: 'nestjs_redis_tasks.task.name',
  attempt: 'nestjs_redis_tasks.task.attempt',
  outcome: 'nestjs_redis_tasks.task.outcome',
  existed: 'nestjs_redis_tasks.task.existed',
  existingCount: 'nestjs_redis_tasks.batch.existing_count',
} as const;
