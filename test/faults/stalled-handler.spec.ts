import { TaskFailedError, type EnqueueOptions } from '../../lib/index.js';
import { sleep, waitUntil } from '../utils/wait.js';
import { startWorker } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Handlers that never resolve and ignore their abort signal fill every slot
// of a worker. Each attempt fails at its timeout; the slot is freed then, even
// though the handler's promise never settles, so the worker keeps its full
// concurrency; the lease, renewed while the attempt runs, ends with it, and the
// task ends dead after its attempts instead of staying active.

const CONCURRENCY = 4;
// Shorter than the timeout: the stalled attempt's lease must be renewed until the timeout, then let go.
const LEASE_MS = 1_000;
const TIMEOUT_MS = 2_500;
const STALLED: EnqueueOptions = { timeout: TIMEOUT_MS, attempts: 2, backoff: { type: 'fixed', delay: 100 } };

describe('handlers that never resolve and ignore their abort signal', () => {
  const scenario = useFaultScenario('fault-stall');
  const { prefix, keys, children } = scenario;

  it('fail at their timeout, free their slots for other tasks, and end dead instead of staying active', async () => {
    const { redis } = scenario;
    const admin = await redis.admin();
    const ledger = new Ledger(keys);
    const worker = await startWorker('worker', redis.url, prefix, { concurrency: CONCURRENCY, leaseMs: LEASE_MS, graceMs: 500 });
    children.push(worker);
    ledger.watch(worker);
    const lw = scenario.watchLeases(admin);
    const producer = await scenario.startProducer();
    const queue = producer.queue;
    const lineOf = (pattern: RegExp) => worker.proc.lines.findIndex((l) => pattern.test(l));

    // Every slot taken by a stalled handler.
    const stalled = await enqueueKeys(queue, keyRange('stall', CONCURRENCY), () => ({ stall: true }), STALLED);
    await waitUntil(() => (ledger.sync(), ledger.starts() === CONCURRENCY), 'the stalled handlers to start', 20_000);
    // Tasks that can only run in a slot a stalled handler frees.
    const normal = await enqueueKeys(queue, keyRange('after', CONCURRENCY), () => ({ ms: 200 }));

    // Past two leases, before the timeout: the stalled attempts still hold their renewed leases.
    await sleep(2 * LEASE_MS);
    for (const id of stalled.values()) expect(await queue.get(id)).toMatchObject({ state: 'active', attempts: 1 });
    expect(worker.proc.lines.filter((l) => l.startsWith('start after'))).toEqual([]);

    // Attempt 1 times out, attempt 2 stalls and times out too: dead, by their own policy.
    for (const id of stalled.values()) {
      await expect(queue.waitFor(id, { timeout: 4 * TIMEOUT_MS })).rejects.toThrow(TaskFailedError);
    }
    // The slots stay usable: CONCURRENCY tasks run at once although 2 x CONCURRENCY handlers never settled.
    const final = await enqueueKeys(queue, keyRange('final', CONCURRENCY), () => ({ ms: 1_000 }));
    await waitUntil(() => (ledger.sync(), [...final.keys()].every((k) => ledger.runs.has(k))), 'the last tasks to start', 20_000);
    const concurrentStarts = [...final.keys()].filter((k) => !ledger.runs.get(k)![0].ended).length;

    const quiet = await waitForQuiet(admin, keys, 30_000);
    await lw.stop();
    const enqueued = new Map([...stalled, ...normal, ...final]);
    const t = await tally(queue, enqueued, ledger);
    printSummary('stalled-handler', t, { concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS, maxActivePastLeaseMs: lw.maxOverdueMs });

    expect(quiet).toBe(true);
    expect({ lost: t.lost, completed: t.completed, dead: t.dead, duplicates: t.duplicates }).toEqual({
      lost: 0,
      completed: 2 * CONCURRENCY,
      dead: CONCURRENCY,
      duplicates: 0,
    });
    expect(t.deadKeys.sort()).toEqual([...stalled.keys()].sort());
    for (const [key, id] of stalled) {
      // Ended by the timeout of each of its attempts, never by a lease running out.
      const info = await queue.get(id);
      expect(info).toMatchObject({ state: 'dead', attempts: 2, error: { name: 'TaskTimeoutError' } });
      const runs = ledger.runs.get(key)!;
      expect(runs.map((r) => [r.attempt, r.ended, r.abort])).toEqual([
        [1, false, 'TaskTimeoutError'],
        [2, false, 'TaskTimeoutError'],
      ]);
    }
    // The tasks behind the stalled ones started only once a timeout had freed a slot.
    const firstTimeout = lineOf(/^abort \S+ 1 TaskTimeoutError$/);
    expect(firstTimeout).toBeGreaterThan(-1);
    for (const key of normal.keys()) expect(lineOf(new RegExp(`^start \\S+ 1 ${key} `))).toBeGreaterThan(firstTimeout);
    expect(concurrentStarts).toBe(CONCURRENCY);
    // No lease outlived its attempt by more than a recovery pass; the worker is the one started first.
    expect(lw.maxOverdueMs).toBeLessThan(LEASE_MS);
    expect(worker.alive()).toBe(true);
  });
});
