import { Redis } from 'ioredis';
import { makePayload } from '../adapters/library-adapter.js';
import { MonitorCounter } from '../support/monitor-counter.js';
import { commandstatsCalls, infoNumber, keysOfPrefix } from '../support/redis-prefix.js';
import type { Scenario } from './scenario-types.js';
import { prefill, runInFlight, sleep, StartCounter } from './scenario-kit.js';

/** What tasks cost Redis: memory while waiting, commands over a task's life. */

/**
 * Redis memory per waiting task: INFO used_memory after adding `count` tasks
 * minus before, over `count`. One warm-up task first, so per-queue keys and the
 * library's scripts are in the baseline. Other clients of a shared Redis add
 * noise; the sum of MEMORY USAGE over the run's keys is a cross-check that
 * only sees this run (it leaves out Redis's per-key dictionary overhead).
 */
export const memory: Scenario<{ count: number }> = async (adapter, p) => {
  const inspector = new Redis(p.redisUrl);
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'default' });
  try {
    await session.enqueueBatch([makePayload(0)]);
    await sleep(100);
    const before = await infoNumber(inspector, 'memory', 'used_memory');
    await prefill(session, p.count, 1);
    await sleep(200);
    const after = await infoNumber(inspector, 'memory', 'used_memory');
    const keys = await keysOfPrefix(inspector, p.prefix);
    let keyBytes = 0;
    for (let i = 0; i < keys.length; i += 1_000) {
      const pipeline = inspector.pipeline();
      for (const key of keys.slice(i, i + 1_000)) pipeline.memory('USAGE', key, 'SAMPLES', 0);
      for (const [error, bytes] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        keyBytes += Number(bytes ?? 0);
      }
    }
    return { bytesPerTask: (after - before) / p.count, keyBytesPerTask: keyBytes / (p.count + 1), keys: keys.length };
  } finally {
    await session.close();
    inspector.disconnect();
  }
};

/**
 * Commands and round trips per task over its whole life: `count` tasks
 * enqueued one at a time (50 in flight), then processed by one worker at
 * concurrency 10, completed tasks removed. Counted with MONITOR (see
 * MonitorCounter); worker start-up is included, shutdown is not. The INFO
 * commandstats delta is reported as a cross-check; it also counts every other
 * client of a shared Redis.
 */
export const commands: Scenario<{ count: number }> = async (adapter, p) => {
  const inspector = new Redis(p.redisUrl);
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'removed' });
  let monitor: MonitorCounter | null = null;
  try {
    const statsBefore = await commandstatsCalls(inspector);
    monitor = await MonitorCounter.start(p.redisUrl, p.prefix);
    await runInFlight(50, p.count, (i) => session.enqueue(makePayload(i)));
    const counter = new StartCounter(p.count);
    await session.startWorker({ concurrency: 10, onTask: counter.onTask });
    await counter.done(60_000);
    // Let the last completions land (the handler runs before its task is settled).
    await sleep(300);
    monitor.stop();
    const statsAfter = await commandstatsCalls(inspector);
    const { commands: total, roundTrips, connections } = monitor.count();
    return {
      commandsPerTask: total / p.count,
      roundTripsPerTask: roundTrips / p.count,
      commandstatsPerTask: (statsAfter - statsBefore) / p.count,
      connections,
    };
  } finally {
    monitor?.stop();
    await session.close();
    inspector.disconnect();
  }
};
