import type { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { TaskEvent } from '../../lib/index.js';
import { EVENT, EVENT_GROUP_MAX, LIST_SEPARATOR } from '../../lib/redis/protocol.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// One enqueue call writes its enqueued events as grouped stream entries of at
// most EVENT_GROUP_MAX tasks (one XADD each, not one per task); a lone task
// keeps the single form. Listeners still get one event per task, in order,
// each with an id of its own.
describe('grouped enqueued events', () => {
  const prefix = uniquePrefix('ev-group');
  const streamKey = `{${prefix}:default}:events`;
  let t: TaskApp;
  let redis: Redis;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('writes one entry per 32 tasks of a call, and listeners get each task once, in order', async () => {
    const seen: TaskEvent[] = [];
    subscription = t.queue.events({ from: '0' }).subscribe((e) => seen.push(e));
    const count = 2 * EVENT_GROUP_MAX + 6;
    const refs = await t.queue.enqueueMany(Array.from({ length: count }, (_, i) => ({ name: i % 3 === 0 ? 'a.one' : 'b.two', payload: { i } })));
    const lone = await t.queue.enqueue('c.lone', {});

    const entries = await redis.xrange(streamKey, '-', '+');
    const fieldsOf = (flat: string[]) => new Map(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]] as const] : [])));
    const grouped = entries.map(([, flat]) => fieldsOf(flat));
    expect(grouped.map((f) => f.get(EVENT.ids)?.split(LIST_SEPARATOR).length ?? 1)).toEqual([EVENT_GROUP_MAX, EVENT_GROUP_MAX, 6, 1]);
    // Mixed names are listed per task; the lone task is written in the single form.
    expect(grouped[0].get(EVENT.names)?.split(LIST_SEPARATOR).slice(0, 3)).toEqual(['a.one', 'b.two', 'b.two']);
    expect(grouped[3].get(EVENT.id)).toBe(lone.id);

    await waitUntil(() => seen.length === count + 1, 'every enqueued event');
    expect(seen.map((e) => e.id)).toEqual([...refs.map((r) => r.id), lone.id]);
    expect(seen.every((e) => e.type === 'enqueued')).toBe(true);
    expect(seen.map((e) => e.name).slice(0, 4)).toEqual(['a.one', 'b.two', 'b.two', 'a.one']);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(count + 1);
    const [firstEntry] = entries[0];
    expect(seen[0].eventId).toBe(`${firstEntry}/0`);
    expect(seen[EVENT_GROUP_MAX - 1].eventId).toBe(firstEntry);
  });
});
