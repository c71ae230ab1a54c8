import { makePayload } from '../adapters/library-adapter.js';
import { quantile } from '../support/stats.js';
import type { Scenario } from './scenario-types.js';
import { epochNow, runInFlight, sleep, StartCounter } from './scenario-kit.js';

/**
 * Producer and worker in one process, so one clock stamps both ends: the
 * payload carries the send (or due) time and the handler subtracts it from
 * its start time.
 */

/** enqueue-to-start latency at a steady rate: p50 / p99 ms, the first `warmup` tasks left out. */
export const latency: Scenario<{ ratePerSec: number; seconds: number; warmup: number; concurrency: number }> = async (adapter, p) => {
  const total = Math.round(p.ratePerSec * p.seconds);
  const samples: number[] = [];
  const counter = new StartCounter(total, (payload, at) => samples.push(at - payload.at));
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'removed' });
  try {
    await session.startWorker({ concurrency: p.concurrency, onTask: counter.onTask });
    const failures: unknown[] = [];
    const started = epochNow();
    let sent = 0;
    // Every millisecond or so, send what the steady rate owes by now.
    while (sent < total) {
      const owed = Math.min(total, Math.floor(((epochNow() - started) * p.ratePerSec) / 1000));
      for (; sent < owed; sent++) session.enqueue(makePayload(sent, epochNow())).catch((error: unknown) => failures.push(error));
      await sleep(1);
    }
    await counter.done(30_000);
    if (failures.length > 0) throw failures[0];
    const kept = samples.slice(p.warmup);
    return { p50: quantile(kept, 0.5), p99: quantile(kept, 0.99) };
  } finally {
    await session.close();
  }
};

/** Delayed tasks spread over [minMs, maxMs]: lateness of the start after the due time, p50 / p99 ms. */
export const delayed: Scenario<{ count: number; minMs: number; maxMs: number; concurrency: number }> = async (adapter, p) => {
  const samples: number[] = [];
  const counter = new StartCounter(p.count, (payload, at) => samples.push(at - payload.at));
  const session = await adapter.open({ redisUrl: p.redisUrl, prefix: p.prefix, retention: 'removed', delayed: true });
  try {
    await session.startWorker({ concurrency: p.concurrency, onTask: counter.onTask });
    // The same pseudo-random spread for every library (a fixed-seed LCG).
    let seed = 12345;
    const delays = Array.from({ length: p.count }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.round(p.minMs + ((p.maxMs - p.minMs) * seed) / 2 ** 31);
    });
    // Due time = call time + delay, stamped just before the call: the library's own clock reads later, never earlier.
    await runInFlight(50, p.count, (i) => session.enqueue(makePayload(i, epochNow() + delays[i]), delays[i]));
    await counter.done(p.maxMs + 30_000);
    return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), early: samples.filter((s) => s < 0).length };
  } finally {
    await session.close();
  }
};
