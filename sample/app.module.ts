import { Module, type DynamicModule } from '@nestjs/common';
import { TaskModule, type TaskModuleOptions } from 'nestjs-redis-tasks';
import { OrderTasks } from './orders/order.tasks.js';

/** What the sample runs on: a Redis at this URL, or the in-memory engine. */
export type SampleEngine = { kind: 'redis'; url: string; prefix: string } | { kind: 'memory' };

/** The options the sample uses on either engine. */
const shared: Omit<TaskModuleOptions, 'connection'> = {
  worker: { concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 5_000 },
  defaults: { attempts: 3, backoff: { type: 'exponential', delay: 100 } },
};

/** The sample app: one TaskModule, one provider with handlers. */
@Module({})
export class AppModule {
  static on(engine: SampleEngine): DynamicModule {
    const tasks =
      engine.kind === 'redis'
        ? // A prefix per run, so runs never see each other's tasks (and idempotent ids start fresh).
          TaskModule.forRootAsync({ useFactory: () => ({ connection: engine.url, prefix: engine.prefix, ...shared }) })
        : // The test mode's engine, running each task as soon as it is due, on real timers.
          TaskModule.forTesting({ mode: 'inline', timers: 'real', ...shared });
    return { module: AppModule, imports: [tasks], providers: [OrderTasks] };
  }
}
