import { makePayload } from '../adapters/library-adapter.js';
import type { Scenario } from './scenario-types.js';
import { prefill, runInFlight } from './scenario-kit.js';

/** Producer only: no worker runs, so enqueue cost is measured alone. A short untimed warm-up first (JIT, script loading). */

/**
 * enqueue one at a time, `inFlight` calls outstanding: tasks/s, after `warmup`
 * untimed calls. A short warm-up measures a producer whose code the JIT is
 * still compiling; a long one measures it as a running service has it.
 */
export const enqueueOne: Scenario<{ count: number; inFlight: number; warmup: number }> = async (adapter, p) => {
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'default' });
  try {
    await runInFlight(p.inFlight, p.warmup, (i) => session.enqueue(makePayload(i)));
    const started = process.hrtime.bigint();
    await runInFlight(p.inFlight, p.count, (i) => session.enqueue(makePayload(p.warmup + i)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { tasksPerSec: p.count / seconds };
  } finally {
    await session.close();
  }
};

/** enqueue in bulk, one batch of `batch` at a time: tasks/s. */
export const enqueueBulk: Scenario<{ count: number; batch: number }> = async (adapter, p) => {
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'default' });
  try {
    await prefill(session, p.batch);
    const started = process.hrtime.bigint();
    for (let done = 0; done < p.count; done += p.batch) {
      const size = Math.min(p.batch, p.count - done);
      await session.enqueueBatch(Array.from({ length: size }, (_, k) => makePayload(p.batch + done + k)));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { tasksPerSec: p.count / seconds };
  } finally {
    await session.close();
  }
};
