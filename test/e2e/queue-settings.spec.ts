import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskHandler, TaskModule, TaskQueue, type TaskModuleOptions } from '../../lib/index.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

// queues: { name: { defaults, concurrency } } from a config service through
// forRootAsync: the queue's defaults apply to its tasks under handler and
// enqueue options, and its concurrency replaces worker.concurrency for it.

const running = { slow: 0, fast: 0, slowPeak: 0, fastPeak: 0 };

@Injectable()
class QueueTasks {
  @TaskHandler('slow.job', { queue: 'slow' })
  async slow() {
    running.slowPeak = Math.max(running.slowPeak, ++running.slow);
    await sleep(40);
    running.slow--;
  }

  @TaskHandler('fast.job', { queue: 'fast' })
  async fast() {
    running.fastPeak = Math.max(running.fastPeak, ++running.fast);
    await sleep(40);
    running.fast--;
  }

  @TaskHandler('flaky.job', { queue: 'slow' })
  flaky() {
    throw new Error('always');
  }
}

/** Stands for an app's configuration service. */
@Injectable()
class AppConfig {
  readonly prefix = uniquePrefix('queue-settings');
  tasks(): TaskModuleOptions {
    return {
      connection: REDIS_URL,
      prefix: this.prefix,
      worker: { concurrency: 4, leaseMs: 5_000, shutdownGraceMs: 1_000 },
      defaults: { attempts: 1 },
      queues: {
        slow: { concurrency: 1, defaults: { attempts: 2, backoff: { type: 'fixed', delay: 10 }, removeOnDead: true } },
      },
    };
  }
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class ConfigModule {}

describe('per-queue settings from forRootAsync', () => {
  let app: Awaited<ReturnType<ReturnType<typeof Test.createTestingModule>['compile']>>;
  let queue: TaskQueue;
  let prefix: string;

  beforeAll(async () => {
    app = await Test.createTestingModule({
      imports: [TaskModule.forRootAsync({ imports: [ConfigModule], inject: [AppConfig], useFactory: (config: AppConfig) => config.tasks() })],
      providers: [QueueTasks],
    }).compile();
    app.useLogger(false);
    await app.init();
    queue = app.get(TaskQueue);
    prefix = app.get(AppConfig).prefix;
  });
  afterAll(async () => {
    await app.close();
    await removePrefix(prefix);
  });

  it("runs a queue's tasks at its own concurrency, others at the worker's", async () => {
    const refs = await queue.enqueueMany([
      ...Array.from({ length: 6 }, () => ({ name: 'slow.job', payload: null })),
      ...Array.from({ length: 6 }, () => ({ name: 'fast.job', payload: null })),
    ]);
    await Promise.all(refs.map((ref) => queue.waitFor(ref, { timeout: 15_000 })));
    expect(running.slowPeak).toBe(1);
    expect(running.fastPeak).toBeGreaterThan(1);
    expect(running.fastPeak).toBeLessThanOrEqual(4);
  });

  it("applies the queue's defaults under handler and enqueue options", async () => {
    const ref = await queue.enqueue('flaky.job', null);
    expect((await queue.get(ref))?.maxAttempts).toBe(2);
    await queue.waitFor(ref, { timeout: 10_000 }).catch(() => undefined);
    // removeOnDead from the queue's defaults: gone once dead.
    expect(await queue.get(ref)).toBeNull();
    const kept = await queue.enqueue('flaky.job', null, { attempts: 1, removeOnDead: false });
    await queue.waitFor(kept, { timeout: 10_000 }).catch(() => undefined);
    expect(await queue.get(kept)).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 1 });
  });
});
