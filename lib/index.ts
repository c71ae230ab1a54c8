// The public API: everything a user imports, and nothing else.
export { TaskModule } from './module/task.module.js';
export type {
  TaskModuleOptions, TaskOptionsFactory, WorkerOptions, RetentionOptions, QueueOptions, QueueDefaultsOptions, DurabilityOptions,
} from './config/task-module-options.interface.js';
export type { TaskLogOptions, MetricsOptions } from './config/task-module-options.interface.js';
export type { RedisConnection, ClusterConnection, ClusterNodeAddress, SentinelConnection, OtherIoredisClient } from './config/connection-options.js';
export type { TaskTestingOptions, TaskTestingMode } from './config/testing-options.js';
export type { TaskLogLine } from './interfaces/task-log.interface.js';
export type { ThroughputPoint, TaskAttempt, TaskRelations } from './interfaces/task-insight.interface.js';
export type { ThroughputOptions } from './interfaces/task-insight-options.interface.js';
export type { RetryAllOptions, DrainOptions, CleanOptions, ObliterateOptions } from './interfaces/bulk-options.interface.js';
export { QueueBusyError } from './errors/queue-busy.error.js';
export { TaskHandler, type TypedTaskHandlerDecorator } from './decorators/task-handler.decorator.js';
export { defineTask, type DefineTaskOptions } from './decorators/define-task.js';
export type { TaskDefinition, TaskSchema, PayloadOf, ResultOf } from './interfaces/task-definition.interface.js';
export { OnWorkerEvent, type OnWorkerEventOptions } from './decorators/on-worker-event.decorator.js';
export type {
  WorkerEvent, WorkerEventType, WorkerEventOf, WorkerTaskFields, WorkerActiveEvent, WorkerProgressEvent, WorkerCompletedEvent, WorkerFailedEvent,
  WorkerErrorEvent, WorkerOperation,
} from './interfaces/worker-event.interface.js';
export { TASK_CONTEXT, type TaskRequest } from './execution/task-request.js';
export { TaskPayload, TaskCtx } from './decorators/task-params.decorators.js';
export { TaskQueue, type ListOptions } from './producer/task-queue.js';
export type { RemoveOption } from './interfaces/retention-option.js';
export { TaskContext, type TaskContextIo } from './execution/task-context.js';
export type { DefinitionHandlerOptions, TaskHandlerOptions } from './interfaces/task-handler-options.interface.js';
export type { EnqueueOptions, EnqueueManyItem, TypedEnqueueManyItem, CheckedEnqueueManyItem, ResultOfItem } from './interfaces/enqueue-options.interface.js';
export type { BackoffOptions } from './interfaces/backoff-options.interface.js';
export type { TaskPolicyOptions } from './interfaces/task-policy-options.interface.js';
export type { TaskRef, TaskLookupOptions, WaitForOptions } from './interfaces/task-ref.interface.js';
export type { TaskInfo, TaskSummary, TaskCounts, TaskErrorInfo, TaskLease, TaskProgress } from './interfaces/task-info.interface.js';
export type { TaskState } from './interfaces/task-state.js';
export type { WorkerInfo, WorkerQueueInfo } from './interfaces/worker-info.interface.js';
export { UnrecoverableTaskError } from './errors/unrecoverable-task.error.js';
export { TaskTimeoutError } from './errors/task-timeout.error.js';
export { TaskAbortedError, type TaskAbortKind } from './errors/task-aborted.error.js';
export { TaskFailedError } from './errors/task-failed.error.js';
export { WaitForTimeoutError } from './errors/wait-for-timeout.error.js';
export { WaitForAbortedError } from './errors/wait-for-aborted.error.js';
export { TaskNotFoundError } from './errors/task-not-found.error.js';
export { InvalidTaskOptionsError } from './errors/invalid-task-options.error.js';
export { DuplicateTaskHandlerError } from './errors/duplicate-task-handler.error.js';
export { RedisUnavailableError } from './errors/redis-unavailable.error.js';
export { TaskStoreError, type TaskStoreFailure } from './errors/task-store.error.js';
export { RateLimitedError } from './errors/rate-limited.error.js';
export { TaskPayloadError, type TaskPayloadIssue } from './errors/task-payload.error.js';
export * from './events/index.js';
export * from './scheduling/index.js';
