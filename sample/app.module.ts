import { Module } from '@nestjs/common';
import { TaskModule } from 'nestjs-redis-tasks';
import { OrderTasks } from './orders/order.tasks.js';

/** The sample app: one TaskModule, one provider with handlers. */
@Module({
  imports: [
    TaskModule.forRootAsync({
      useFactory: () => ({
        connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        // A prefix per run, so runs never see each other's tasks (and idempotent ids start fresh).
        prefix: `sample-${process.pid}`,
        worker: { concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 5_000 },
        defaults: { attempts: 3, backoff: { type: 'exponential', delay: 100 } },
      }),
    }),
  ],
  providers: [OrderTasks],
})
export class AppModule {}
