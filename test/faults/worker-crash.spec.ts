import { waitUntil } from '../utils/wait.js';
import { startWorker, type WorkerSettings } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Three worker processes run 5,000 short tasks; one of them, picked at random,
// is SIGKILLed three times during the run and replaced each time. Every task
// completes, and a task runs more than once only if it was active on a worker
// at the moment that worker was killed.

const TASKS = 5_000;
const LEASE_MS = 2_000;
// Few slots per worker, so the run outlasts three kills and their replacements.
const WORKER: WorkerSettings = { concurrency: 3, leaseMs: LEASE_MS, sleepMinMs: 1, sleepMaxMs: 20, retainCompleted: 100_000 };
// Kill when this many handlers have returned.
const KILL_AT = [750, 2_000, 3_250];

describe('worker processes SIGKILLed during a run', () => {
  const scenario = useFaultScenario('fault-crash');
  const { prefix, keys, children } = scenario;

  it('completes every task, and runs again only tasks that were active on a killed worker', async () => {
    const { redis } = scenario;
    const admin = await redis.admin();
    const ledger = new Ledger(keys);
    let started = 0;
    const spawnWorker = async () => {
      const worker = await startWorker(`worker-${++started}`, redis.url, prefix, WORKER);
      children.push(worker);
      ledger.watch(worker);
      return worker;
    };
    const ready = new Set(await Promise.all([spawnWorker(), spawnWorker(), spawnWorker()]));

    const producer = await scenario.startProducer();
    const enqueued = await enqueueKeys(producer.queue, keyRange('c', TASKS));
    expect(enqueued.size).toBe(TASKS);
    ledger.expect(enqueued);

    const replacements: Array<Promise<unknown>> = [];
    for (const threshold of KILL_AT) {
      await waitUntil(() => (ledger.sync(), ledger.ends() >= threshold), `${threshold} handlers to return`, 60_000, 10);
      const alive = [...ready].filter((w) => w.alive());
      const victim = alive[Math.floor(Math.random() * alive.length)];
      ready.delete(victim);
      await ledger.kill(victim, admin);
      // The replacement boots while the others keep working; the next kill picks among ready workers.
      replacements.push(spawnWorker().then((w) => ready.add(w)));
    }
    await Promise.all(replacements);

    const quiet = await waitForQuiet(admin, keys, 60_000);
    const t = await tally(producer.queue, enqueued, ledger);
    const allowed = ledger.activeAtKills();
    printSummary('worker-crash', t, { kills: ledger.kills.length, activeAtKills: allowed.size, unrunAttempts: t.unrunAttemptKeys!.length });

    expect(quiet).toBe(true);
    expect({ lost: t.lost, dead: t.dead, completed: t.completed, lostKeys: t.lostKeys.slice(0, 10) }).toEqual({
      lost: 0,
      dead: 0,
      completed: TASKS,
      lostKeys: [],
    });
    expect(t.strayIds).toEqual([]);
    // Each kill hit a worker in the middle of work...
    expect(ledger.kills).toHaveLength(3);
    for (const kill of ledger.kills) {
      expect(kill.leasedIds.size).toBeGreaterThan(0);
      // ...and every handler running there still held its lease: none was taken from a live worker.
      const leased = ledger.leasedKeys(kill);
      expect([...kill.running].filter((key) => !leased.has(key))).toEqual([]);
    }
    // The duplicate rule: only tasks active on a killed worker at its kill ran twice.
    expect(t.duplicateKeys.filter((key) => !allowed.has(key))).toEqual([]);
    // An attempt counted without a run only for tasks leased to a killed worker (fetched, not yet started).
    expect(t.unrunAttemptKeys!.filter((key) => !allowed.has(key))).toEqual([]);
    // Every run of such a task but the last was on a worker killed while the task was active there.
    for (const key of t.duplicateKeys) {
      const runs = ledger.runs.get(key)!;
      for (const run of runs.slice(0, -1)) {
        expect(ledger.kills.some((k) => k.worker === run.worker && ledger.activeAt(k).has(key))).toBe(true);
      }
    }
  });
});
