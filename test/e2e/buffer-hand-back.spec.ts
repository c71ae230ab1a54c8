import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A worker whose handlers are quick leases tasks ahead of its free slots.
// When slow runs of a mostly quick queue then hold every slot, the tasks it
// leased ahead waited behind them, listed as running, where no other worker
// could take them (40 quick tasks behind two of 120 s were seen). Now they go
// back to the queue after a second, in their places, and another worker runs them.

@Injectable()
class MixedTasks {
  /** Lets the slow runs end. */
  release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  readonly quickBy = new Map<string, number>();

  @TaskHandler('mixed.quick', { queue: 'mixed' })
  quick(payload: { n: number; app: string }, task: TaskContext) {
    this.quickBy.set(task.id, payload.n);
  }

  @TaskHandler('mixed.slow', { queue: 'mixed' })
  async slow(_payload: unknown, task: TaskContext) {
    await Promise.race([this.gate, new Promise((resolve) => task.signal.addEventListener('abort', resolve))]);
  }
}

describe('tasks leased ahead behind slow runs', () => {
  const prefix = uniquePrefix('buffer-back');
  const apps: TaskApp[] = [];
  afterAll(async () => {
    for (const app of apps) app.get(MixedTasks).release();
    await Promise.all(apps.map((app) => app.close()));
    await removePrefix(prefix);
  });

  it('go back to the queue when no run ends for a second, and another worker runs them', async () => {
    const first = await startTaskApp(prefix, [MixedTasks], { worker: { concurrency: 2, leaseMs: 10_000, shutdownGraceMs: 500 } });
    apps.push(first);
    // Quick runs first: the worker learns to lease ahead.
    const warm = await first.queue.enqueueMany(Array.from({ length: 300 }, (_, n) => ({ name: 'mixed.quick', payload: { n, app: 'warm' } })));
    await first.queue.waitFor(warm[warm.length - 1]!, { timeout: 10_000 });
    await waitUntil(async () => (await first.queue.counts('mixed')).completed >= 300, 'the warm-up to complete');

    await first.queue.enqueueMany([
      { name: 'mixed.slow', payload: {} },
      { name: 'mixed.slow', payload: {} },
      ...Array.from({ length: 40 }, (_, n) => ({ name: 'mixed.quick', payload: { n, app: 'after' } })),
    ]);
    // The two slow runs hold both slots; what was leased ahead goes back to waiting.
    const counts = await waitUntil(async () => {
      const c = await first.queue.counts('mixed');
      return c.active === 2 && c.waiting === 40 ? c : null;
    }, 'the quick tasks to be back in the queue, only the slow ones running', 5_000);
    expect(counts).toMatchObject({ active: 2, waiting: 40 });

    // Another worker runs them while the slow runs still hold the first one's slots.
    const second = await startTaskApp(prefix, [MixedTasks], { worker: { concurrency: 4, leaseMs: 10_000, shutdownGraceMs: 500 } });
    apps.push(second);
    await waitUntil(async () => second.get(MixedTasks).quickBy.size === 40, 'the second worker to run the 40 quick tasks', 10_000);
    expect([...second.get(MixedTasks).quickBy.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    // A run is seen before its outcome is recorded (settles go in batches): wait for the 40 to be recorded.
    const after = await waitUntil(async () => {
      const c = await first.queue.counts('mixed');
      return c.completed === 340 ? c : null;
    }, 'the 40 quick runs to be recorded', 5_000);
    expect(after).toMatchObject({ active: 2, waiting: 0 });
    // No quick task ran in both, nor was charged an attempt for being handed back.
    const quickIds = [...second.get(MixedTasks).quickBy.keys()];
    for (const id of quickIds) expect((await first.queue.get({ id, queue: 'mixed' }))?.attempts).toBe(1);
    expect(quickIds.filter((id) => first.get(MixedTasks).quickBy.has(id))).toEqual([]);
  }, 60_000);
});
