import { waitUntil } from '../utils/wait.js';
import { startProducer, startWorker, type ProducerChild, type WorkerSettings } from './support/children.js';
import { Ledger, percentile } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Three producer processes and three worker processes hold a steady rate for
// a minute (FAULT_LOAD_SECONDS to change it). The rate is measured first: a
// backlog is drained by the three workers while the producers run lightly, and
// the run goes at 65% of that. With the default retention, Redis memory levels
// off instead of climbing, and every task completes once.

const MAIN_MS = Number(process.env.FAULT_LOAD_SECONDS ?? 60) * 1_000;
const CALIBRATION_TASKS = 6_000;
const SHARE = 0.65;
// The library's worker defaults (concurrency 10, lease 30 s); handlers work 1-10 ms. Retention: the default.
const WORKER: WorkerSettings = { concurrency: 10, leaseMs: 30_000, graceMs: 2_000, sleepMinMs: 1, sleepMaxMs: 10 };

describe('steady load held for a minute', () => {
  const scenario = useFaultScenario('fault-load');
  const { prefix, keys, children } = scenario;

  it('completes every task at a sustainable rate while Redis memory levels off', async () => {
    const { redis } = scenario;
    const admin = await redis.admin();
    const ledger = new Ledger(keys);
    const workers = await Promise.all([1, 2, 3].map((n) => startWorker(`worker-${n}`, redis.url, prefix, WORKER)));
    children.push(...workers);
    workers.forEach((w) => ledger.watch(w));
    const producer = await scenario.startProducer();

    // Calibration: the workers drain a backlog while three producers add a light load.
    const light = await Promise.all(
      [1, 2, 3].map((n) => startProducer(`light-${n}`, redis.url, prefix, { keyPrefix: `l${n}-`, rate: 50, maxInFlight: 100 })),
    );
    children.push(...light);
    const backlog = await enqueueKeys(producer.queue, keyRange('cal', CALIBRATION_TASKS), () => ({}), {}, 1_000);
    const ends = () => (ledger.sync(), ledger.ends());
    await waitUntil(() => ends() >= 500, 'the calibration to warm up', 60_000, 5);
    const [t0, e0] = [Date.now(), ends()];
    await waitUntil(() => ends() >= CALIBRATION_TASKS - 500, 'the calibration backlog to drain', 120_000, 5);
    const capacity = ((ends() - e0) * 1_000) / (Date.now() - t0);
    await Promise.all(light.map((p) => p.stop()));
    expect(await waitForQuiet(admin, keys, 60_000)).toBe(true);
    const target = Math.floor(capacity * SHARE);

    // The run: three producers at a third of the target each, for MAIN_MS.
    const memory: Array<{ atMs: number; bytes: number }> = [];
    const started = Date.now();
    const sampleMemory = async () => memory.push({ atMs: Date.now() - started, bytes: await redis.usedMemory() });
    await sampleMemory();
    const producers: ProducerChild[] = await Promise.all(
      [1, 2, 3].map((n) =>
        startProducer(`producer-${n}`, redis.url, prefix, { keyPrefix: `m${n}-`, rate: Math.max(1, Math.floor(target / 3)), maxInFlight: 500, durationMs: MAIN_MS }),
      ),
    );
    children.push(...producers);
    const runStart = Date.now();
    const sampler = setInterval(() => void sampleMemory(), 5_000);
    try {
      await Promise.all(producers.map((p) => p.done(MAIN_MS + 60_000)));
    } finally {
      clearInterval(sampler);
    }
    const runMs = Date.now() - runStart;
    await sampleMemory();
    const memEnd = memory[memory.length - 1].bytes;
    const quiet = await waitForQuiet(admin, keys, 60_000);

    const main = new Map<string, string>();
    for (const p of producers) p.enqueued().forEach((id, k) => main.set(k, id));
    const enqueued = new Map([...backlog, ...light.flatMap((p) => [...p.enqueued()]), ...main]);
    const t = await tally(producer.queue, enqueued, ledger);
    const lags = ledger.latencies((k) => k.startsWith('m'));
    const mem10 = memory.find((m) => m.atMs >= 10_000)?.bytes ?? Number.NaN;
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
    printSummary('load-held', t, {
      capacityPerSec: Math.round(capacity),
      targetPerSec: target,
      heldPerSec: Math.round((main.size * 1_000) / runMs),
      runS: (runMs / 1_000).toFixed(1),
      p50LagMs: percentile(lags, 50),
      p99LagMs: percentile(lags, 99),
      memStartMB: mb(memory[0].bytes),
      mem10sMB: mb(mem10),
      memEndMB: mb(memEnd),
      memMaxMB: mb(Math.max(...memory.map((m) => m.bytes))),
    });

    expect(quiet).toBe(true);
    expect({ lost: t.lost, dead: t.dead, duplicates: t.duplicates, completed: t.completed, lostKeys: t.lostKeys.slice(0, 10) }).toEqual({
      lost: 0,
      dead: 0,
      duplicates: 0,
      completed: enqueued.size,
      lostKeys: [],
    });
    expect(t.strayIds).toEqual([]);
    // Every producer enqueued the whole run, none failed, and every task of the run started.
    for (const p of producers) expect(p.failures()).toEqual([]);
    expect(main.size).toBeGreaterThan(0);
    expect(lags).toHaveLength(main.size);
    // Memory levels off: completed tasks beyond the retention are removed as fast as new ones finish.
    expect(memory.length).toBeGreaterThanOrEqual(MAIN_MS / 5_000);
    expect(memEnd).toBeLessThan(mem10 * 1.5);
  });
});
