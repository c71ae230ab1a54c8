import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TaskHandler, TaskModule, TaskQueue, type TaskModuleOptions } from 'nestjs-redis-tasks';
import type { BenchPayload, BenchSession, LibraryAdapter, SessionOptions, WorkerSettings } from './library-adapter.js';

/**
 * nestjs-redis-tasks as a user runs it: Nest application contexts with
 * TaskModule.forRoot and a provider whose @TaskHandler method goes through the
 * pipeline. The producer is its own app (worker: false) so tasks can be
 * enqueued before any worker runs; the worker is a second app.
 */
const TASK_NAME = 'bench.noop';
const ON_TASK = Symbol('bench on-task hook');

@Injectable()
class BenchTasks {
  constructor(@Inject(ON_TASK) private readonly onTask: (payload: BenchPayload) => void) {}

  @TaskHandler(TASK_NAME)
  noop(payload: BenchPayload): void {
    this.onTask(payload);
  }
}

@Module({})
class BenchAppModule {}

function benchApp(options: TaskModuleOptions, onTask: (payload: BenchPayload) => void): Promise<INestApplicationContext> {
  const module: DynamicModule = {
    module: BenchAppModule,
    imports: [TaskModule.forRoot(options)],
    providers: [BenchTasks, { provide: ON_TASK, useValue: onTask }],
  };
  return NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
}

class OursSession implements BenchSession {
  private worker: INestApplicationContext | null = null;
  private readonly queue: TaskQueue;

  constructor(private readonly producer: INestApplicationContext, private readonly options: SessionOptions) {
    this.queue = producer.get(TaskQueue);
  }

  async enqueue(payload: BenchPayload, delayMs = 0): Promise<void> {
    await this.queue.enqueue(TASK_NAME, payload, delayMs > 0 ? { delay: delayMs } : undefined);
  }

  async enqueueBatch(payloads: BenchPayload[]): Promise<void> {
    await this.queue.enqueueMany(payloads.map((payload) => ({ name: TASK_NAME, payload })));
  }

  async startWorker(settings: WorkerSettings): Promise<void> {
    this.worker = await benchApp(moduleOptions(this.options, { concurrency: settings.concurrency }), settings.onTask);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.producer.close();
  }
}

function moduleOptions(options: SessionOptions, worker: TaskModuleOptions['worker']): TaskModuleOptions {
  return {
    connection: options.redisUrl,
    prefix: options.prefix,
    worker,
    ...(options.retention === 'removed' ? { retention: { completed: { count: 0 } } } : {}),
  };
}

export const oursAdapter: LibraryAdapter = {
  async open(options) {
    const producer = await benchApp(moduleOptions(options, false), () => undefined);
    return new OursSession(producer, options);
  },
};
