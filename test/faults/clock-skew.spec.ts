import { join } from 'node:path';
import { spawnNode, type LineChild } from '../fixtures/child-processes.js';
import type { TaskApp } from '../fixtures/task-app.js';
import { waitUntil } from '../utils/wait.js';
import { startWorker, type FaultChild } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Worker processes whose wall clock is five minutes fast or five minutes slow
// (Date is faked in the child by a --require preload; timers still work). Due
// times and leases are judged by Redis time, so a skewed worker neither starts
// a delayed task before its runAt (both read back from Redis) nor takes over a
// task whose lease another worker keeps renewing, and its own leases are not
// taken from it either.

const SHIFT_MS = 5 * 60_000;
const DELAY_MS = 2_000;
const LEASE_MS = 1_500;
/** A handler this long outlives its lease more than three times: only renewals keep it. */
const LONG_MS = 5_000;
const DELAYED_PER_WORKER = 5;
const PRELOAD = join(__dirname, 'children', 'shift-clock.cjs');
const WORKER_CHILD = join(__dirname, 'support', 'worker-child.cjs');

/** A FaultChild around a process spawned here (support's startWorker has no way to add --require). */
function asFaultChild(name: string, proc: LineChild): FaultChild {
  const closed = new Promise<void>((resolve) => proc.child.once('close', () => resolve()));
  const alive = () => proc.child.exitCode === null && proc.child.signalCode === null;
  return {
    name,
    pid: proc.child.pid!,
    proc,
    closed,
    alive,
    async kill() {
      if (alive()) proc.child.kill('SIGKILL');
      await closed;
    },
    async stop(timeoutMs = 10_000) {
      if (alive()) proc.child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && proc.child.kill('SIGKILL'), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

describe('workers whose clock is wrong by minutes', () => {
  const scenario = useFaultScenario('fault-skew');
  const { prefix, keys, children } = scenario;
  const ledger = new Ledger(keys);
  let producer: TaskApp | undefined;

  /** Starts the fault worker child with its clock shifted by `shiftMs`, and checks the shift is in effect. */
  async function startSkewed(name: string, shiftMs: number): Promise<FaultChild> {
    const env = { REDIS_URL: scenario.redis.url, PREFIX: prefix, NO_COLOR: '1', CONCURRENCY: '1', LEASE_MS: String(LEASE_MS), CLOCK_SHIFT_MS: String(shiftMs) };
    const spawnedAt = Date.now();
    const child = asFaultChild(name, spawnNode(['--require', PRELOAD, WORKER_CHILD], env));
    children.push(child);
    ledger.watch(child);
    const clock = await child.proc.waitForLine(/^clock /, 30_000);
    await child.proc.waitForLine(/^ready \d+$/, 30_000);
    // Its Date.now() when it loaded, less the shift, lies between our spawn and now.
    const childReal = Number(clock.split(' ')[2]) - shiftMs;
    expect(childReal).toBeGreaterThanOrEqual(spawnedAt - 50);
    expect(childReal).toBeLessThanOrEqual(Date.now() + 50);
    return child;
  }

  /** Enqueues delayed tasks, waits until they ran on `worker`, and checks none started before its runAt. */
  async function runDelayed(keyPrefix: string, worker: FaultChild): Promise<Map<string, string>> {
    const ids = await enqueueKeys(producer!.queue, keyRange(keyPrefix, DELAYED_PER_WORKER), () => ({ ms: 10 }), { delay: DELAY_MS });
    expect(await waitForQuiet(await scenario.redis.admin(), keys, 30_000)).toBe(true);
    ledger.sync();
    for (const [key, id] of ids) {
      const info = await producer!.queue.get(id);
      expect(info).toMatchObject({ state: 'completed', attempts: 1 });
      expect(info!.runAt - info!.enqueuedAt).toBeGreaterThanOrEqual(DELAY_MS);
      // Not early (the contract), and not minutes late either: both are Redis time.
      expect({ key, earlyByMs: Math.max(0, info!.runAt - info!.startedAt!) }).toEqual({ key, earlyByMs: 0 });
      expect(info!.startedAt! - info!.runAt).toBeLessThan(5_000);
      expect(ledger.runs.get(key)?.map((r) => r.worker)).toEqual([worker.name]);
    }
    return ids;
  }

  beforeAll(async () => {
    producer = await scenario.startProducer();
  });

  it('neither runs delayed tasks early nor takes over leases another worker renews', async () => {
    const { redis } = scenario;
    // Delayed tasks on a worker five minutes fast, then on one five minutes slow.
    const fast = await startSkewed('fast-5min', SHIFT_MS);
    const enqueued = new Map(await runDelayed('fast', fast));
    await fast.stop();
    const slow = await startSkewed('slow-5min', -SHIFT_MS);
    for (const [key, id] of await runDelayed('slow', slow)) enqueued.set(key, id);

    // Three long tasks, one on each of a correct, a fast and a slow worker
    // (one slot each): each worker's lease must survive the other two, which
    // look for expired leases every LEASE_MS / 2.
    const correct = await startWorker('correct-clock', redis.url, prefix, { concurrency: 1, leaseMs: LEASE_MS });
    children.push(correct);
    ledger.watch(correct);
    const fastAgain = await startSkewed('fast-5min-2', SHIFT_MS);
    const long = await enqueueKeys(producer!.queue, keyRange('long', 3), () => ({ ms: LONG_MS }));
    for (const [key, id] of long) enqueued.set(key, id);
    await waitUntil(() => (ledger.sync(), [...long.keys()].every((k) => ledger.runs.has(k))), 'the three long tasks to start', 15_000);
    const holders = [...long.keys()].map((k) => ledger.runs.get(k)![0].worker).sort();
    expect(holders).toEqual([correct.name, fastAgain.name, slow.name].sort());

    const admin = await redis.admin();
    expect(await waitForQuiet(admin, keys, 30_000)).toBe(true);
    for (const [key, id] of long) {
      expect({ key, runs: ledger.runs.get(key)!.length }).toEqual({ key, runs: 1 });
      expect(await producer!.queue.get(id)).toMatchObject({ state: 'completed', attempts: 1, error: null });
    }
    // No worker recovered anything: no lease was ever judged expired.
    for (const child of children) expect(child.proc.lines.filter((l) => /took back/.test(l))).toEqual([]);

    const t = await tally(producer!.queue, enqueued, ledger);
    printSummary('clock-skew', t);
    expect(t).toMatchObject({ enqueued: 2 * DELAYED_PER_WORKER + 3, completed: enqueued.size, duplicates: 0, dead: 0, lost: 0 });
  });
});
