import { Injectable } from '@nestjs/common';
import { TaskHandler, type TaskContext } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// "Higher priority runs first, FIFO among equal priority": one worker with one
// slot starts a backlog in that order, though short handlers make it lease
// ahead (the local buffer) and fetch replies land while a slot frees. A task
// fetched while older ones waited in the buffer started ahead of them: up to
// 62 places early, low priority before high; then, while the worker learned
// its run times, a settle's reply read after a fetch sent later than it, up to
// 17 places early (lib/worker/reply-order.ts).

const started: string[] = [];

@Injectable()
class OrderedTasks {
  @TaskHandler('order.step')
  step(_payload: unknown, task: TaskContext) {
    started.push(task.id);
  }
}

describe('start order on one worker with one slot', () => {
  const prefix = uniquePrefix('order');
  let producer: TaskApp | undefined;
  let worker: TaskApp | undefined;
  afterAll(async () => {
    await worker?.close();
    await producer?.close();
    await removePrefix(prefix);
  });

  it('starts a backlog by priority, then in enqueue order, with the buffer at work', async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
    const low = Array.from({ length: 400 }, (_, n) => ({ name: 'order.step', payload: null, options: { id: `low-${n}` } }));
    const high = Array.from({ length: 400 }, (_, n) => ({ name: 'order.step', payload: null, options: { id: `high-${n}`, priority: 10 } }));
    await producer.queue.enqueueMany(low);
    await producer.queue.enqueueMany(high);
    worker = await startTaskApp(prefix, [OrderedTasks], { worker: { concurrency: 1, leaseMs: 5_000 } });
    await waitUntil(() => started.length === 800, 'the backlog to run', 30_000);
    const expected = [...high, ...low].map((item) => item.options.id);
    const place = new Map(expected.map((id, i) => [id, i]));
    // Said as figures, so a failure shows how far off it was, not 800 ids.
    const displaced = started.filter((id, i) => place.get(id) !== i).length;
    const shift = Math.max(...started.map((id, i) => Math.abs(place.get(id)! - i)));
    const lastHigh = Math.max(...started.map((id, i) => (id.startsWith('high-') ? i : -1)));
    const lowFirst = started.slice(0, lastHigh).filter((id) => id.startsWith('low-')).length;
    expect({ displaced, shift, lowFirst }).toEqual({ displaced: 0, shift: 0, lowFirst: 0 });
  }, 60_000);
});
