import { sleep, waitUntil } from '../utils/wait.js';
import { startWorker } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Redis is stopped for longer than the lease while every worker slot runs a
// task, and each of those handlers returns during the outage. When Redis is
// back, each outcome must be accounted for honestly: recorded as it happened
// (one run, one attempt) or, if the lease was recovered first, counted as a
// lost attempt before the task runs again. It must never be handed back as a
// lease "never received", which refunds an attempt that ran: the task then
// runs twice with one attempt counted, and its attempts limit stops holding.

const LEASE_MS = 3_000;
// Longer than the lease plus the handler's remaining work: the outcome waits through a lease and more.
const OUTAGE_MS = 5_500;
const WORK_MS = 1_200;
const WORKERS = 2;
const CONCURRENCY = 3;

describe('Redis down for longer than the lease while handlers finish', () => {
  const scenario = useFaultScenario('fault-outage-lease', { persistence: 'aof-always' });
  const { prefix, keys, children } = scenario;

  it('counts every handler run as an attempt: none handed back as a lease never received', async () => {
    const { redis } = scenario;
    const ledger = new Ledger(keys);
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, n) => startWorker(`worker-${n + 1}`, redis.url, prefix, { concurrency: CONCURRENCY, leaseMs: LEASE_MS, retainCompleted: 10_000 })),
    );
    children.push(...workers);
    workers.forEach((w) => ledger.watch(w));
    const producer = await scenario.startProducer();
    const running = WORKERS * CONCURRENCY;
    // The first `running` tasks fill every slot and return during the outage; the rest run after it.
    const long = await enqueueKeys(producer.queue, keyRange('long', running), () => ({ ms: WORK_MS }));
    await waitUntil(() => (ledger.sync(), ledger.starts() >= running), 'every slot to run a task', 30_000, 10);
    const after = await enqueueKeys(producer.queue, keyRange('quick', 20));
    await redis.shutdown();
    const downAt = Date.now();
    await waitUntil(() => (ledger.sync(), ledger.ends() >= running), 'the running handlers to return during the outage', 15_000, 10);
    const endedDuringOutageMs = Date.now() - downAt;
    await sleep(Math.max(0, OUTAGE_MS - endedDuringOutageMs));
    await redis.start();

    const enqueued = new Map([...long, ...after]);
    const quiet = await waitForQuiet(await redis.admin(), keys, 60_000);
    const t = await tally(producer.queue, enqueued, ledger);
    const handedBackLines = workers.flatMap((w) => w.proc.lines.filter((l) => l.includes('leased but never received')));
    const reruns = [...long.keys()].filter((key) => (ledger.runs.get(key) ?? []).length > 1).length;
    printSummary('outage-past-lease', t, {
      outageMs: OUTAGE_MS,
      leaseMs: LEASE_MS,
      endedDuringOutageMs,
      reruns,
      uncountedRuns: t.uncountedRunKeys!.length,
      unrunAttempts: t.unrunAttemptKeys!.length,
    });

    expect(endedDuringOutageMs).toBeLessThan(OUTAGE_MS);
    expect(quiet).toBe(true);
    expect({ lost: t.lost, dead: t.dead, completed: t.completed }).toEqual({ lost: 0, dead: 0, completed: enqueued.size });
    // Every handler run is one attempt in the task's record, and every attempt a run.
    expect(t.uncountedRunKeys!).toEqual([]);
    expect(t.unrunAttemptKeys!).toEqual([]);
    expect(handedBackLines).toEqual([]);
    for (const worker of workers) expect(worker.alive()).toBe(true);
  }, 120_000);
});
