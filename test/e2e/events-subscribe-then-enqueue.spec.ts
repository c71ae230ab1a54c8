import { Injectable } from '@nestjs/common';
import { TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// What a user writes: subscribe to events(), then enqueue. The subscription
// was made first, so it must see the task's whole life, 'enqueued' included,
// even though following the stream needs a connection of its own that is not
// open yet when subscribe() returns.

@Injectable()
class PingTasks {
  @TaskHandler('ping-0', { queue: 'fresh-0' })
  ping0() {}
  @TaskHandler('ping-1', { queue: 'fresh-1' })
  ping1() {}
  @TaskHandler('ping-2', { queue: 'fresh-2' })
  ping2() {}
}

describe('events() subscribed just before an enqueue', () => {
  const prefix = uniquePrefix('ev-sub');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [PingTasks]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each([0, 1, 2])('sees every event of the task enqueued right after subscribing (queue fresh-%i, nobody following it yet)', async (n) => {
    const queue = `fresh-${n}`;
    const seen: TaskEvent[] = [];
    const subscription = t.queue.events({ queue }).subscribe((e) => seen.push(e));
    try {
      const ref = await t.queue.enqueue(`ping-${n}`, {}, { queue });
      await t.queue.waitFor(ref, { timeout: 5_000 });
      await waitUntil(() => seen.some((e) => e.id === ref.id && e.type === 'completed'), 'the completed event', 5_000);
      expect(seen.filter((e) => e.id === ref.id).map((e) => e.type)).toEqual(['enqueued', 'started', 'completed']);
    } finally {
      subscription.unsubscribe();
    }
  });
});
