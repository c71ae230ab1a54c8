import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { resolveTaskOptions } from '../config/options.resolver.js';
import { RESOLVED_TASK_OPTIONS } from '../config/resolved-options.js';
import type { TaskModuleOptions } from '../config/task-module-options.interface.js';
import { TaskHandlerExplorer } from '../discovery/task-handler.explorer.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { EVENT_PROVIDERS } from '../events/events.providers.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { TaskQueue } from '../producer/task-queue.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import { REDIS_ENGINE_PROVIDERS } from '../redis/redis-engine.providers.js';
import { SCHEDULING_PROVIDERS } from '../scheduling/scheduling.providers.js';
import { WorkerHost } from '../worker/worker-host.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { ConfigurableTaskModule, TASK_MODULE_OPTIONS } from './task-module.definition.js';

/**
 * The task queue module: `TaskModule.forRoot(options)` or
 * `TaskModule.forRootAsync({ useFactory | useClass | useExisting })`. Global:
 * `TaskQueue` can be injected in any module. The composition root: the only
 * place that picks the store adapter.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: RESOLVED_TASK_OPTIONS, useFactory: (options: TaskModuleOptions) => resolveTaskOptions(options), inject: [TASK_MODULE_OPTIONS] },
    TaskHandlerRegistry,
    TaskPipelineFactory,
    TaskHandlerExplorer,
    ...REDIS_ENGINE_PROVIDERS,
    ...EVENT_PROVIDERS,
    ...SCHEDULING_PROVIDERS,
    TaskTelemetry,
    TaskQueue,
    WorkerHost,
  ],
  // WorkerHost and the engine are exported for the terminus entry's TaskHealthIndicator (not in the public barrel).
  exports: [TaskQueue, WorkerHost, TASK_ENGINE],
})
export class TaskModule extends ConfigurableTaskModule {}
