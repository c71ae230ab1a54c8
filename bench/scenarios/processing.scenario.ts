import type { Retention } from '../adapters/library-adapter.js';
import type { Scenario } from './scenario-types.js';
import { prefill, StartCounter } from './scenario-kit.js';

/**
 * Processing throughput of one worker process: `total` tasks are enqueued
 * (bulk, untimed) before the worker starts, then the rate is taken between the
 * first and the `measure`-th handler start. With measure < total the rest stay
 * waiting throughout (the scaling rows).
 */
export const processing: Scenario<{ total: number; measure: number; concurrency: number; retention: Retention; timeoutMs: number }> = async (
  adapter,
  p,
) => {
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: p.retention });
  try {
    const prepared = Date.now();
    await prefill(session, p.total);
    const prefillSeconds = (Date.now() - prepared) / 1000;
    const counter = new StartCounter(p.measure);
    await session.startWorker({ concurrency: p.concurrency, onTask: counter.onTask });
    await counter.done(p.timeoutMs);
    return { tasksPerSec: counter.rate(), prefillSeconds };
  } finally {
    await session.close();
  }
};
