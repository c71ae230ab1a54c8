import { Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { resolveTaskOptions } from '../config/options.resolver.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import type { TaskModuleOptions } from '../config/task-module-options.interface.js';
import { TaskHandlerExplorer } from '../discovery/task-handler.explorer.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { servedQueues } from '../discovery/served-queues.js';
import { SERVED_QUEUES, type ServedQueues } from '../engine/engine.tokens.js';
import { EVENT_PROVIDERS } from '../events/events.providers.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { TASK_CONTEXT, isTaskRequest } from '../execution/task-request.js';
import { TaskQueue } from '../producer/task-queue.js';
import { SCHEDULING_PROVIDERS } from '../scheduling/scheduling.providers.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { WorkerEventListenerExplorer } from '../worker/worker-event-listener.explorer.js';
import { WorkerEvents } from '../worker/worker-events.js';
import { SINGLE_TASK_MODULE_PROVIDERS } from './single-task-module.check.js';
import { TASK_MODULE_OPTIONS } from './task-module.definition.js';

/** The running task's TaskContext, for providers resolved for a task (null where the request is not a task). */
const TASK_CONTEXT_PROVIDER: Provider = {
  provide: TASK_CONTEXT,
  scope: Scope.REQUEST,
  useFactory: (request: unknown) => (isTaskRequest(request) ? request.context : null),
  inject: [REQUEST],
};

/** The providers every TaskModule has, whichever store it runs on. */
export const CORE_PROVIDERS: Provider[] = [
  { provide: RESOLVED_TASK_OPTIONS, useFactory: (options: TaskModuleOptions) => resolveTaskOptions(options), inject: [TASK_MODULE_OPTIONS] },
  TaskHandlerRegistry,
  {
    provide: SERVED_QUEUES,
    useFactory: (options: ResolvedTaskOptions, registry: TaskHandlerRegistry): ServedQueues => () => [...servedQueues(options, registry).keys()],
    inject: [RESOLVED_TASK_OPTIONS, TaskHandlerRegistry],
  },
  TaskPipelineFactory,
  TaskHandlerExplorer,
  WorkerEvents,
  WorkerEventListenerExplorer,
  ...EVENT_PROVIDERS,
  ...SCHEDULING_PROVIDERS,
  TaskTelemetry,
  TaskQueue,
  TASK_CONTEXT_PROVIDER,
  ...SINGLE_TASK_MODULE_PROVIDERS,
];

/** What every TaskModule exports (it is global: inject these anywhere). */
export const CORE_EXPORTS = [TaskQueue, TASK_CONTEXT];
