import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskRef } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';
import { failOver, migrateSlot, slotOf } from './cluster-admin.js';

// A failover of a cluster master (CLUSTER FAILOVER on its replica) and a slot
// migration, each in the middle of a run: producers keep enqueueing, workers
// keep running, and every task whose enqueue was acknowledged completes. The
// client follows MOVED and ASK; errors in the switch are retried by the
// producer with the same id (an idempotent re-send), as an app would.

@Injectable()
class CountingTasks {
  readonly runs = new Map<string, number>();
  @TaskHandler('fault.work', { queue: 'fq' })
  async work(_payload: unknown, task: TaskContext) {
    this.runs.set(task.id, (this.runs.get(task.id) ?? 0) + 1);
    await sleep(5);
  }
}

/** Enqueues tasks one by one until `stop()` says so, re-sending a failed enqueue (same id) until acknowledged. */
async function produce(t: TaskApp, label: string, stop: () => boolean): Promise<{ acked: TaskRef[]; retries: number }> {
  const acked: TaskRef[] = [];
  let retries = 0;
  for (let n = 0; !stop(); n++) {
    for (;;) {
      try {
        acked.push(await t.queue.enqueue('fault.work', { n }, { queue: 'fq', id: `${label}-${n}` }));
        break;
      } catch {
        retries++;
        await sleep(50);
      }
    }
  }
  return { acked, retries };
}

describe.each([
  ['a master failover (CLUSTER FAILOVER on its replica)', failOver],
  ['a slot migration to another master', migrateSlot],
  ['a slot migration in batches of 10 keys (as redis-cli --cluster reshard moves them)', (slot: number) => migrateSlot(slot, 10)],
])('Redis Cluster: %s mid-run', (what, disrupt) => {
  const prefix = uniquePrefix('cluster-fault');
  let producer: TaskApp;
  let worker: TaskApp;

  beforeAll(async () => {
    // Every completed task is kept, so each acknowledged one can be awaited.
    const retention = { completed: { count: 100_000 } };
    producer = await startTaskApp(prefix, [], { worker: false, retention });
    worker = await startTaskApp(prefix, [CountingTasks], {
      worker: { concurrency: 10, leaseMs: 3_000, shutdownGraceMs: 1_000 },
      defaults: { attempts: 5 },
      retention,
    });
  });
  afterAll(async () => {
    await worker.close();
    await producer.close();
    await removePrefix(prefix);
  });

  it('loses no task whose enqueue was acknowledged', async () => {
    const slot = await slotOf(`{${prefix}:fq}:wait`);
    // A backlog waits while the disruption happens, so fetches take tasks whose keys are moving;
    // enqueueing goes on before, during and for a while after it.
    const backlog = await producer.queue.enqueueMany(
      Array.from({ length: 3_000 }, (_, n) => ({ name: 'fault.work', payload: { n }, options: { queue: 'fq', id: `b-${n}` } })),
    );
    let done = false;
    const running = produce(producer, 'p', () => done);
    await waitUntil(async () => (await producer.queue.counts('fq')).completed > 200, 'some tasks to complete first', 20_000);
    const moved = await disrupt(slot);
    await sleep(1_000);
    done = true;
    const produced = await running;
    const acked = [...backlog, ...produced.acked];
    const { retries } = produced;
    const results = await Promise.allSettled(acked.map((ref) => producer.queue.waitFor(ref, { timeout: 30_000 })));
    const lost = results.filter((r) => r.status === 'rejected').length;
    const runs = worker.get(CountingTasks).runs;
    const duplicates = [...runs.values()].filter((n) => n > 1).length;
    process.stdout.write(`cluster ${what}: ${JSON.stringify(moved)}; ${acked.length} acknowledged, ${retries} enqueue re-sends, ${lost} lost, ${duplicates} run twice\n`);
    expect(lost).toBe(0);
    expect(acked.every((ref) => (runs.get(ref.id) ?? 0) >= 1)).toBe(true);
    expect(await producer.queue.counts('fq')).toMatchObject({ waiting: 0, active: 0, dead: 0 });
  });
});
