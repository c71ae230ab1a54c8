import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import { TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';
import { decodeEvents } from '../../lib/redis/event.codec.js';

// A listener that goes away and comes back with `from` set to the last
// eventId it saw gets exactly what happened in between and after: nothing
// missed, nothing twice. The stream itself (XRANGE) is the reference.

@Injectable()
class JobTasks {
  @TaskHandler('job')
  job(payload: { n: number }) {
    return payload.n;
  }
}

describe('events({ from }) after a reconnect', () => {
  const prefix = uniquePrefix('ev-from');
  let t: TaskApp;
  let redis: Redis;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [JobTasks]);
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  const enqueueJobs = (from: number, count: number) =>
    t.queue.enqueueMany(Array.from({ length: count }, (_, i) => ({ name: 'job', payload: { n: from + i } })));
  const completedOf = (events: TaskEvent[], ids: string[]) => events.filter((e) => e.type === 'completed' && ids.includes(e.id));

  it('resumes right after the last event seen', async () => {
    // First session: from '0' replays the whole (so far empty) stream, then follows it.
    const first: TaskEvent[] = [];
    subscription = t.queue.events({ from: '0' }).subscribe((e) => first.push(e));
    const before = (await enqueueJobs(0, 5)).map((r) => r.id);
    await waitUntil(() => completedOf(first, before).length === 5, 'the first 5 jobs to complete');
    subscription.unsubscribe();
    subscription = undefined;
    const lastSeen = first.at(-1)!.eventId;

    // Away: more happens, including a failure.
    const during = (await enqueueJobs(5, 5)).map((r) => r.id);
    const failing = await t.queue.enqueue('no-such-handler', {});
    for (const id of during) await expect(t.queue.waitFor(id, { timeout: 10_000 })).resolves.toBeGreaterThanOrEqual(5);
    await expect(t.queue.waitFor(failing, { timeout: 10_000 })).rejects.toThrow(/no handler for no-such-handler/);

    // Back, from the last event seen: then more happens while following again.
    const second: TaskEvent[] = [];
    subscription = t.queue.events({ from: lastSeen }).subscribe((e) => second.push(e));
    const after = (await enqueueJobs(10, 5)).map((r) => r.id);
    await waitUntil(() => completedOf(second, after).length === 5, 'the last 5 jobs to complete');

    // Nothing follows the last completion, so the two sessions together must be the whole stream, in order.
    const stream = (await redis.xrange(`{${prefix}:default}:events`, '-', '+')).flatMap((entry) => decodeEvents('default', entry).map((e) => e.eventId));
    const seen = [...first, ...second].map((e) => e.eventId);
    expect(seen).toEqual(stream);
    // What happened while away is in the second session, exactly once.
    for (const id of [...during, failing.id]) expect(first.some((e) => e.id === id)).toBe(false);
    expect(completedOf(second, during).map((e) => e.result as number).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9]);
    expect(second.filter((e) => e.id === failing.id).map((e) => e.type)).toEqual(['enqueued', 'started', 'dead']);
  });

  it('resumes inside the grouped entry of one enqueueMany: the rest of its events, then what follows', async () => {
    const all: TaskEvent[] = [];
    const sub = t.queue.events({ from: '0' }).subscribe((e) => all.push(e));
    try {
      const ids = (await enqueueJobs(100, 4)).map((r) => r.id);
      await waitUntil(() => completedOf(all, ids).length === 4, 'the 4 jobs to complete');
      const enqueued = all.filter((e) => e.type === 'enqueued' && ids.includes(e.id));
      // One call's enqueued events share a grouped entry: one entry id, an event id each.
      expect(enqueued.map((e) => e.id)).toEqual(ids);
      const entry = enqueued[3].eventId;
      expect(enqueued.map((e) => e.eventId)).toEqual([`${entry}/0`, `${entry}/1`, `${entry}/2`, entry]);

      const resumed: TaskEvent[] = [];
      const again = t.queue.events({ from: enqueued[1].eventId }).subscribe((e) => resumed.push(e));
      try {
        const expected = all.slice(all.indexOf(enqueued[1]) + 1);
        await waitUntil(() => resumed.length >= expected.length, 'the resumed events');
        expect(resumed.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
        expect(resumed.slice(0, 2).map((e) => e.id)).toEqual(ids.slice(2));
      } finally {
        again.unsubscribe();
      }
    } finally {
      sub.unsubscribe();
    }
  });
});
