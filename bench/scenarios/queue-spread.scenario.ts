import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TaskHandler, TaskModule, TaskQueue, type RedisConnection, type TaskModuleOptions } from 'nestjs-redis-tasks';
import { Redis } from 'ioredis';
import { makePayload } from '../adapters/library-adapter.js';
import type { Metrics } from './scenario-types.js';
import { runInFlight, StartCounter } from './scenario-kit.js';

/**
 * Processing throughput over six queues at once, for the Cluster row: the
 * same load against a Redis Cluster (the queues' slots spread over its
 * masters) and against one Redis. One worker app consumes all six queues with
 * `concurrency` each; `perQueue` tasks per queue are enqueued first (untimed),
 * completed tasks are removed, and the rate is taken between the first start
 * and the `measure`-th. It also reports the cores the Redis servers and the
 * worker process kept busy meanwhile. Ours only: the other libraries have no such row.
 */
export interface QueueSpreadParams {
  connection: RedisConnection;
  prefix: string;
  perQueue: number;
  measure: number;
  concurrency: number;
  timeoutMs: number;
}

const QUEUES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5'] as const;
const ON_TASK = Symbol('spread on-task hook');

@Injectable()
class SpreadTasks {
  constructor(@Inject(ON_TASK) private readonly onTask: () => void) {}
  @TaskHandler('spread.q0', { queue: 'q0' }) q0() { this.onTask(); }
  @TaskHandler('spread.q1', { queue: 'q1' }) q1() { this.onTask(); }
  @TaskHandler('spread.q2', { queue: 'q2' }) q2() { this.onTask(); }
  @TaskHandler('spread.q3', { queue: 'q3' }) q3() { this.onTask(); }
  @TaskHandler('spread.q4', { queue: 'q4' }) q4() { this.onTask(); }
  @TaskHandler('spread.q5', { queue: 'q5' }) q5() { this.onTask(); }
}

@Module({})
class SpreadModule {}

function app(options: TaskModuleOptions, onTask: () => void, withHandlers: boolean): Promise<INestApplicationContext> {
  const module: DynamicModule = {
    module: SpreadModule,
    imports: [TaskModule.forRoot(options)],
    providers: withHandlers ? [SpreadTasks, { provide: ON_TASK, useValue: onTask }] : [],
  };
  return NestFactory.createApplicationContext(module, { logger: ['error'] });
}

/** CPU seconds the Redis servers (every master of a cluster) have used so far, from INFO cpu. */
async function serverCpuSeconds(connection: RedisConnection): Promise<number> {
  const urls = typeof connection === 'string' ? [connection] : (connection as { cluster: string[] }).cluster;
  let total = 0;
  for (const url of urls) {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      const info = await client.info('cpu');
      for (const field of ['used_cpu_sys', 'used_cpu_user']) total += Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    } finally {
      client.disconnect();
    }
  }
  return total;
}

export async function queueSpread(p: QueueSpreadParams): Promise<Metrics> {
  const base: TaskModuleOptions = { connection: p.connection, prefix: p.prefix, retention: { completed: { count: 0 } } };
  const producer = await app({ ...base, worker: false }, () => undefined, false);
  let worker: INestApplicationContext | null = null;
  try {
    const queue = producer.get(TaskQueue);
    const batches = QUEUES.flatMap((q) => Array.from({ length: Math.ceil(p.perQueue / 1_000) }, (_, b) => ({ q, b })));
    await runInFlight(6, batches.length, (i) => {
      const { q, b } = batches[i];
      const size = Math.min(1_000, p.perQueue - b * 1_000);
      return queue.enqueueMany(Array.from({ length: size }, (_, k) => ({ name: `spread.${q}`, payload: makePayload(b * 1_000 + k), options: { queue: q } })));
    });
    const counter = new StartCounter(p.measure);
    const redisBefore = await serverCpuSeconds(p.connection);
    const processBefore = process.cpuUsage();
    const started = Date.now();
    worker = await app({ ...base, worker: { concurrency: p.concurrency, leaseMs: 30_000, shutdownGraceMs: 1_000 } }, () => counter.onTask(makePayload(0)), true);
    await counter.done(p.timeoutMs);
    const seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(processBefore);
    // Cores busy on average while the tasks ran: how close each side came to its limit.
    const redisCores = ((await serverCpuSeconds(p.connection)) - redisBefore) / seconds;
    const workerCores = (used.user + used.system) / 1e6 / seconds;
    return { tasksPerSec: counter.rate(), redisCores, workerCores };
  } finally {
    await worker?.close();
    await producer.close();
  }
}
