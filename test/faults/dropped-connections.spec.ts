import { Redis } from 'ioredis';
import { sleep, waitUntil } from '../utils/wait.js';
import { startProducer, startWorker } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, enqueueWhile, keyRange, type EnqueueBurst } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Redis drops the app's connections under it, again and again, while three
// workers run and producers enqueue: CLIENT KILL TYPE normal (command and
// blocking connections of workers and producers, including the event-stream
// readers behind waitFor) and TYPE pubsub (none are expected: the library
// uses no pub/sub), from an admin connection of the test's own. Nothing is
// restarted: every connection comes back by itself, nothing is lost or run
// twice, and no task stays active past its lease.

const LEASE_MS = 2_000;
const KILL_ROUNDS = 8;
const WORST_MOMENT_ROUNDS = 3;

/** Connections of each client type Redis lists right now, and how many are blocked (in BZPOPMIN). */
async function clientTypes(admin: Redis): Promise<{ normal: number; pubsub: number; blocked: number }> {
  const list = (await admin.client('LIST')) as string;
  const lines = list.split('\n').filter(Boolean);
  const flags = (line: string) => /\bflags=(\S*)/.exec(line)?.[1] ?? '';
  return {
    normal: lines.filter((l) => !flags(l).includes('P')).length - 1, // less the admin connection itself
    pubsub: lines.filter((l) => flags(l).includes('P')).length,
    blocked: lines.filter((l) => flags(l).includes('b')).length,
  };
}

describe('connections dropped by Redis while the queue runs', () => {
  const scenario = useFaultScenario('fault-drop', { extraArgs: ['--enable-debug-command', 'yes'] });
  const { prefix, keys, children } = scenario;

  it('recovers every connection by itself: nothing lost, nothing run twice, no task active past its lease', async () => {
    const { redis } = scenario;
    const admin = await redis.admin();
    const ledger = new Ledger(keys);
    const workers = await Promise.all(
      [1, 2, 3].map((n) => startWorker(`worker-${n}`, redis.url, prefix, { concurrency: 4, leaseMs: LEASE_MS, retainCompleted: 100_000 })),
    );
    children.push(...workers);
    workers.forEach((w) => ledger.watch(w));
    const watch = scenario.watchLeases(admin);

    const producer = await scenario.startProducer();
    const queue = producer.queue;
    // Below the workers' capacity, so they also sit blocked on an empty queue between tasks.
    const steady = await startProducer('producer', redis.url, prefix, { keyPrefix: 's', rate: 250, maxInFlight: 100 });
    children.push(steady);
    const initial = await enqueueKeys(queue, keyRange('a', 1_000));

    // Busy phase: kill normal and pub/sub connections in turn. Tasks enqueued
    // each round are awaited: their final states come over the pub/sub
    // connection. Each normal kill lands while this app has enqueues in flight.
    const killed = { normal: 0, pubsub: 0, blocked: 0 };
    const awaited = new Map<string, string>();
    const waits: Array<Promise<unknown>> = [];
    const bursts: Array<Promise<EnqueueBurst>> = [];
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const some = await enqueueKeys(queue, keyRange(`w${round}-`, 5));
      for (const [k, id] of some) {
        awaited.set(k, id);
        waits.push(queue.waitFor(id, { timeout: 120_000 }));
      }
      await sleep(400);
      if (round % 2 === 0) {
        let endBurst = () => undefined as void;
        bursts.push(enqueueWhile(queue, `e${round}-`, 50, new Promise<void>((resolve) => (endBurst = resolve))));
        await sleep(50);
        killed.blocked += (await clientTypes(admin)).blocked;
        killed.normal += Number(await admin.client('KILL', 'TYPE', 'normal'));
        await sleep(50);
        endBurst();
      } else {
        killed.pubsub += Number(await admin.client('KILL', 'TYPE', 'pubsub'));
      }
    }

    // Worst moment: Redis is held in DEBUG SLEEP while enqueues, fetches and
    // settles queue up behind it, then the kill. Redis runs what was sent
    // first and the kill in one event-loop turn: the kill drops the replies of
    // commands that did run. Clients must not turn that into a task stored
    // twice, or an attempt counted for a run that never happened.
    for (let round = 0; round < WORST_MOMENT_ROUNDS; round++) {
      let endBurst = () => undefined as void;
      bursts.push(enqueueWhile(queue, `x${round}-`, 20, new Promise<void>((resolve) => (endBurst = resolve))));
      await sleep(50);
      const sleeper = new Redis(redis.port, '127.0.0.1', { retryStrategy: () => null, maxRetriesPerRequest: 0 });
      sleeper.on('error', () => undefined);
      const slept = sleeper.call('DEBUG', 'SLEEP', '0.2').catch(() => undefined);
      await sleep(100);
      const kill = admin.client('KILL', 'TYPE', 'normal');
      await slept;
      killed.normal += Number(await kill) - 1; // less the sleeper
      sleeper.disconnect();
      await sleep(50);
      endBurst();
      await sleep(300);
    }

    const burst = { ids: new Map<string, string>(), failed: [] as string[] };
    for (const b of await Promise.all(bursts)) {
      b.ids.forEach((id, k) => burst.ids.set(k, id));
      burst.failed.push(...b.failed);
    }
    await steady.stop();

    // Idle phase: every worker blocked in BZPOPMIN on an empty queue when its connection is killed.
    await waitForQuiet(admin, keys, 60_000);
    await waitUntil(async () => (await clientTypes(admin)).blocked >= workers.length, 'every worker to block on the empty queue', 20_000);
    killed.blocked += (await clientTypes(admin)).blocked;
    killed.normal += Number(await admin.client('KILL', 'TYPE', 'normal'));
    const afterKills = new Map(workers.map((w) => [w, w.proc.lines.length]));
    const late = await enqueueKeys(queue, keyRange('z', 300));
    const lateWaits = [...late].slice(-20).map(([, id]) => queue.waitFor(id, { timeout: 60_000 }));

    const results = await Promise.all([...waits, ...lateWaits]);
    expect(results).toEqual([...awaited, ...[...late].slice(-20)].map(([k]) => ({ k })));

    const enqueued = new Map([...initial, ...awaited, ...burst.ids, ...steady.enqueued(), ...late]);
    ledger.expect(enqueued);
    const quiet = await waitForQuiet(admin, keys, 60_000);
    await watch.stop();
    const t = await tally(producer.queue, enqueued, ledger);
    printSummary('dropped-connections', t, {
      killedNormal: killed.normal,
      killedPubsub: killed.pubsub,
      killedBlocked: killed.blocked,
      enqueueRejected: burst.failed.length + steady.failures().length,
      strayIds: t.strayIds.length,
      unrunAttempts: t.unrunAttemptKeys!.length,
      maxActivePastLeaseMs: watch.maxOverdueMs,
    });

    expect(quiet).toBe(true);
    expect({ lost: t.lost, dead: t.dead, completed: t.completed, lostKeys: t.lostKeys.slice(0, 10) }).toEqual({
      lost: 0,
      dead: 0,
      completed: enqueued.size,
      lostKeys: [],
    });
    // No worker was killed: no task may be stored twice, run twice, or have an attempt counted it never ran.
    expect(t.strayIds).toEqual([]);
    expect(t.duplicateKeys).toEqual([]);
    expect(t.unrunAttemptKeys!).toEqual([]);
    // The kills hit every kind of connection.
    expect(killed.normal).toBeGreaterThanOrEqual((KILL_ROUNDS / 2) * workers.length);
    expect(killed.blocked).toBeGreaterThanOrEqual(workers.length);
    // An expired lease is taken back within a recovery pass (every leaseMs / 2): never a lease later.
    expect(watch.samples).toBeGreaterThan(10);
    expect(watch.maxOverdueMs).toBeLessThan(LEASE_MS);
    // The same worker processes, each working again after the last kill.
    for (const worker of workers) {
      expect(worker.alive()).toBe(true);
      expect(worker.proc.lines.slice(afterKills.get(worker)).some((l) => l.startsWith('start '))).toBe(true);
    }
  });
});
