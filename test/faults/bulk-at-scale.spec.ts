import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskHandler, type TaskQueue } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';

// Bulk operations on a large queue (100,000 tasks, sized for a 2-core
// machine): each is many short scripts, so Redis keeps answering other
// clients while it runs. A probe client PINGs every few ms throughout and the
// server's slow log records every command over 10 ms; neither may see a bulk
// step hold Redis for long. Prints the figures docs/observability.md quotes.

const TASKS = 100_000;
/**
 * Bounds far below what one script over the whole queue would hold Redis
 * (seconds), yet loose enough for a loaded 2-core machine, where the process
 * running Redis is sometimes descheduled for tens of ms whatever it runs.
 */
const MAX_PAUSE_MS = 250;
/** The average time inside Redis per step: a few ms. */
const MAX_MEAN_STEP_MS = 10;

@Injectable()
class ScaleTasks {
  @TaskHandler('scale.job', { queue: 'scale' })
  job() {
    return null;
  }
}

/** PINGs every 2 ms until stopped; returns the slowest answer in ms. */
function probe(admin: Redis): { stop(): Promise<number> } {
  let running = true;
  let worst = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await admin.ping();
      worst = Math.max(worst, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return worst;
    },
  };
}

/**
 * Adds TASKS waiting tasks, or dead ones: per batch, tasks that depend on a
 * delayed task, which is then cancelled, so its dependents end dead at once.
 */
async function fill(queue: TaskQueue, state: 'waiting' | 'dead'): Promise<void> {
  for (let i = 0; i < TASKS; i += 1_000) {
    const root = state === 'dead' ? await queue.enqueue('scale.job', {}, { queue: 'scale', delay: 3_600_000 }) : null;
    const options = { queue: 'scale', dependsOn: root ? [root] : [] };
    await queue.enqueueMany(Array.from({ length: 1_000 }, (_, k) => ({ name: 'scale.job', payload: { n: i + k }, options })));
    if (root) await queue.cancel(root);
  }
}

describe('bulk operations on a queue of 100,000 tasks', () => {
  const prefix = uniquePrefix('scale');
  let redis: FaultRedis;
  let admin: Redis;
  let t: TaskApp;
  const figures: string[] = [];

  /** Runs a bulk operation under the probe; returns its result and records its figures. */
  async function measured<T>(name: string, run: () => Promise<T>): Promise<T> {
    await admin.slowlog('RESET');
    await admin.config('RESETSTAT');
    const watch = probe(admin);
    const started = performance.now();
    const result = await run();
    const took = performance.now() - started;
    const worstPing = await watch.stop();
    const slow = (await admin.slowlog('GET', 1_000)) as Array<[number, number, number, string[]]>;
    const worstCommandMs = Math.max(0, ...slow.map((entry) => entry[2] / 1_000));
    // Time inside Redis per script call (the bulk steps; the probe's PINGs are counted apart).
    const evalsha = /cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/.exec(await admin.info('commandstats'));
    const meanStepMs = evalsha ? Number(evalsha[2]) / 1_000 : Infinity;
    const steps = evalsha ? `${evalsha[1]} steps of ${meanStepMs.toFixed(2)} ms on average` : 'no steps seen';
    figures.push(
      `${name}: ${(took / 1_000).toFixed(2)} s in ${steps}, slowest command ${worstCommandMs.toFixed(1)} ms, slowest PING meanwhile ${worstPing.toFixed(1)} ms`,
    );
    expect({ name, worstPing: worstPing < MAX_PAUSE_MS, worstCommand: worstCommandMs < MAX_PAUSE_MS, meanStep: meanStepMs < MAX_MEAN_STEP_MS }).toEqual({
      name,
      worstPing: true,
      worstCommand: true,
      meanStep: true,
    });
    return result;
  }

  beforeAll(async () => {
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
    // Every command over 10 ms goes to the slow log; a bulk step must never be one of them for long.
    await admin.config('SET', 'slowlog-log-slower-than', '10000');
    // A producer app: nothing consumes the queue while the figures are taken.
    t = await startTaskApp(prefix, [ScaleTasks], { connection: redis.url, worker: false, retention: { dead: { count: 1_000_000 } } });
  }, 60_000);
  afterAll(async () => {
    process.stdout.write(`[scale] ${TASKS} tasks, Redis ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1]}\n${figures.map((f) => `[scale] ${f}`).join('\n')}\n`);
    await t?.close();
    await redis?.destroy();
  });

  it('drains them', async () => {
    await fill(t.queue, 'waiting');
    expect(await measured('drain 100,000 waiting', () => t.queue.drain('scale'))).toBe(TASKS);
    expect(await t.queue.counts('scale')).toMatchObject({ waiting: 0 });
  }, 120_000);

  it('retries them all when dead, then obliterates the queue', async () => {
    await fill(t.queue, 'dead');
    expect((await t.queue.counts('scale')).dead).toBe(TASKS);
    expect(await measured('retryAll 100,000 dead', () => t.queue.retryAll('scale', { state: 'dead' }))).toBe(TASKS);
    expect(await t.queue.counts('scale')).toMatchObject({ waiting: TASKS, dead: 0 });
    await measured('obliterate 100,000 waiting', () => t.queue.obliterate('scale'));
    const [, keys] = await admin.scan('0', 'MATCH', `{${prefix}:scale}:*`, 'COUNT', 1_000_000);
    expect(keys).toEqual([]);
  }, 120_000);

  it('cleans them when dead, returning every id', async () => {
    await fill(t.queue, 'dead');
    const ids = await measured('clean 100,000 dead', () => t.queue.clean('scale', 'dead'));
    expect(new Set(ids).size).toBe(TASKS);
    expect(await t.queue.counts('scale')).toMatchObject({ dead: 0, waiting: 0 });
  }, 120_000);
});
