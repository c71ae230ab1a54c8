import { RedisUnavailableError } from '../../lib/index.js';
import { sleep, waitUntil } from '../utils/wait.js';
import { startProducer, startWorker, type ProducerChild } from './support/children.js';
import { Ledger } from './support/ledger.js';
import { enqueueKeys, keyRange } from './support/producer.js';
import { useFaultScenario } from './support/scenario.js';
import { printSummary, tally, waitForQuiet } from './support/tally.js';

// Redis (appendonly yes, appendfsync always) is stopped with SHUTDOWN while
// three workers run 2,000 tasks and a producer process keeps enqueueing, then
// started again on the same port and data dir. Nothing is restarted but Redis:
// workers and producers reconnect by themselves, and every task whose enqueue
// resolved before the stop (or after the restart) completes, once.

const TASKS = 2_000;
// Longer than the outage: tasks running through it keep their lease and attempt.
const LEASE_MS = 10_000;
const OUTAGE_MS = 2_000;

describe('Redis stopped with SHUTDOWN and started again while the queue runs', () => {
  const scenario = useFaultScenario('fault-restart', { persistence: 'aof-always' });
  const { prefix, keys, children } = scenario;

  it('resumes by itself after the restart and completes every task whose enqueue resolved', async () => {
    const { redis } = scenario;
    const ledger = new Ledger(keys);
    const workers = await Promise.all(
      [1, 2, 3].map((n) => startWorker(`worker-${n}`, redis.url, prefix, { concurrency: 3, leaseMs: LEASE_MS, retainCompleted: 100_000 })),
    );
    children.push(...workers);
    workers.forEach((w) => ledger.watch(w));
    const producer = await scenario.startProducer();
    const before = await enqueueKeys(producer.queue, keyRange('a', TASKS));
    // A producer process enqueues all along, through the outage.
    const steady: ProducerChild = await startProducer('producer', redis.url, prefix, { keyPrefix: 'r', rate: 100, maxInFlight: 50 });
    children.push(steady);

    await waitUntil(() => (ledger.sync(), ledger.ends() >= TASKS / 4), 'a quarter of the tasks to finish', 60_000, 10);
    await waitUntil(() => steady.enqueued().size >= 50, 'the producer process to enqueue', 30_000);
    await redis.shutdown();

    const down = Date.now();
    const failure = await producer.queue.enqueue('fault.work', { k: 'during' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - down).toBeLessThan(OUTAGE_MS + 5_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));

    await redis.start();
    const restartedAt = {
      workers: new Map(workers.map((w) => [w, w.proc.lines.length])),
      producer: steady.proc.lines.length,
    };
    const after = await enqueueKeys(producer.queue, keyRange('b', 200));
    // The producer process goes on for a while after the restart, then stops.
    await sleep(2_000);
    await steady.stop();

    const enqueued = new Map([...before, ...after, ...steady.enqueued()]);
    const quiet = await waitForQuiet(await redis.admin(), keys, 60_000);
    const t = await tally(producer.queue, enqueued, ledger);
    // Enqueues that rejected during the outage may still have been written: they are not counted, only reported.
    const unacked = steady.failures().filter((f) => ledger.runs.has(f.key)).length;
    printSummary('redis-restart', t, {
      outageMs: OUTAGE_MS,
      producerFailures: steady.failures().length,
      unackedButRun: unacked,
      strayIds: t.strayIds.length,
      unrunAttempts: t.unrunAttemptKeys!.length,
    });

    expect(quiet).toBe(true);
    expect({ lost: t.lost, dead: t.dead, completed: t.completed, lostKeys: t.lostKeys.slice(0, 10) }).toEqual({
      lost: 0,
      dead: 0,
      completed: enqueued.size,
      lostKeys: [],
    });
    // No worker was killed and the lease outlasts the outage: nothing may run twice.
    expect(t.duplicateKeys).toEqual([]);
    expect(t.strayIds).toEqual([]);
    // No worker died: every attempt counted is a handler run.
    expect(t.unrunAttemptKeys!).toEqual([]);

    // The producer process saw the outage and recovered without a restart.
    expect(steady.failures().length).toBeGreaterThan(0);
    expect(steady.proc.lines.slice(restartedAt.producer).some((l) => l.startsWith('enq '))).toBe(true);
    // Every worker process is the one started at the beginning, and each ran tasks after the restart.
    for (const worker of workers) {
      expect(worker.alive()).toBe(true);
      expect(worker.proc.lines.slice(restartedAt.workers.get(worker)).some((l) => l.startsWith('start '))).toBe(true);
    }
  });
});
