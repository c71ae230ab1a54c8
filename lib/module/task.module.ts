import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TaskHandlerExplorer } from '../discovery/task-handler.explorer.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { EVENT_PROVIDERS } from '../events/events.providers.js';
import { SCHEDULING_PROVIDERS } from '../scheduling/scheduling.providers.js';
import { TaskQueue } from '../producer/task-queue.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { RedisTaskEngine } from '../redis/redis-task-engine.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import { WorkerHost } from '../worker/worker-host.js';
import { resolveTaskOptions } from '../config/options.resolver.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { ConfigurableTaskModule, TASK_MODULE_OPTIONS } from './task-module.definition.js';
import type { TaskModuleOptions } from '../config/task-module-options.interface.js';

/**
 * The task queue module: `TaskModule.forRoot(options)` or
 * `TaskModule.forRootAsync({ useFactory | useClass | useExisting })`. Global:
 * `TaskQueue` can be injected in any module.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: RESOLVED_TASK_OPTIONS, useFactory: (options: TaskModuleOptions) => resolveTaskOptions(options), inject: [TASK_MODULE_OPTIONS] },
    TaskHandlerRegistry,
    TaskPipelineFactory,
    TaskHandlerExplorer,
    RedisConnections,
    {
      provide: TASK_ENGINE,
      useFactory: (connections: RedisConnections, options: ResolvedTaskOptions) => new RedisTaskEngine(connections, options),
      inject: [RedisConnections, RESOLVED_TASK_OPTIONS],
    },
    ...EVENT_PROVIDERS,
    ...SCHEDULING_PROVIDERS,
    TaskQueue,
    WorkerHost,
  ],
  exports: [TaskQueue],
})
export class TaskModule extends ConfigurableTaskModule {}
