import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { checkAsyncOptions } from '../config/async-options.checks.js';
import { resolveTestingOptions, type TaskTestingOptions } from '../config/testing-options.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import { REDIS_ENGINE_PROVIDERS } from '../redis/redis-engine.providers.js';
import { TaskTester } from '../testing/task-tester.js';
import { testingProviders } from '../testing/testing.providers.js';
import { WorkerHost } from '../worker/worker-host.js';
import { WORKER_STATUS } from '../worker/worker-status.js';
import { CORE_EXPORTS, CORE_PROVIDERS } from './task-module.providers.js';
import { ConfigurableTaskModule, TASK_MODULE_ASYNC_OPTIONS_TYPE, TASK_MODULE_OPTIONS, TASK_MODULE_OPTIONS_TYPE } from './task-module.definition.js';

/**
 * The task queue module: `TaskModule.forRoot(options)` or
 * `TaskModule.forRootAsync({ useFactory | useClass | useExisting })` on Redis,
 * or `TaskModule.forTesting({ mode, ... })` in memory. Global: `TaskQueue` can
 * be injected in any module. The composition root: the only place that picks
 * the store adapter.
 */
@Module({ imports: [DiscoveryModule] })
export class TaskModule extends ConfigurableTaskModule {
  /** The module on Redis, with these options. */
  static override forRoot(options: typeof TASK_MODULE_OPTIONS_TYPE): DynamicModule {
    return onRedis(super.forRoot(options));
  }

  /** The module on Redis, with options from a factory, a class or an existing provider. */
  static override forRootAsync(options: typeof TASK_MODULE_ASYNC_OPTIONS_TYPE): DynamicModule {
    checkAsyncOptions(options);
    return onRedis(super.forRootAsync(options));
  }

  /**
   * The module without Redis, for tests: the same TaskQueue, handlers and
   * pipeline on the in-memory engine, and an injectable TaskTester (import it
   * from 'nestjs-redis-tasks/testing'). `mode: 'fake'` runs tasks only when
   * TaskTester says so; `mode: 'inline'` runs each as soon as it is enqueued.
   * Takes forRoot's options without `connection`.
   */
  static forTesting(options: TaskTestingOptions): DynamicModule {
    const testing = resolveTestingOptions(options);
    return {
      module: TaskModule,
      global: true,
      providers: [{ provide: TASK_MODULE_OPTIONS, useValue: testing.moduleOptions }, ...CORE_PROVIDERS, ...testingProviders(testing)],
      exports: [...CORE_EXPORTS, TASK_ENGINE, WORKER_STATUS, TaskTester],
    };
  }
}

/** A forRoot or forRootAsync definition with the providers of the module on Redis. */
function onRedis(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...CORE_PROVIDERS, ...REDIS_ENGINE_PROVIDERS, WorkerHost, { provide: WORKER_STATUS, useExisting: WorkerHost }],
    // The worker's status and the engine are exported for the terminus entry's TaskHealthIndicator (not in the public barrel).
    exports: [...(definition.exports ?? []), ...CORE_EXPORTS, WorkerHost, WORKER_STATUS, TASK_ENGINE],
  };
}
