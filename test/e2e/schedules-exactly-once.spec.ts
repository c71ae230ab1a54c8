import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { SCHEDULE_ENGINE } from '../../lib/engine/engine.tokens.js';
import type { ScheduleEngine } from '../../lib/engine/schedule-engine.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// Three app instances run the same @TaskHandler schedule (a 6-field cron: every
// second). Each occurrence is enqueued once across the three: its task is
// removed as soon as it completes, so an occurrence fired twice would run twice.
// Then the guard behind it, alone: a firer that read a due time which another
// instance has since fired adds nothing, even once that occurrence's task is gone.

/** A stream entry's flat [field, value, ...] list as an object. */
function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

const runs: Array<{ id: string; payload: unknown }> = [];

@Injectable()
class TickTasks {
  @TaskHandler('tick.second', { schedule: { cron: '* * * * * *' }, removeOnComplete: true })
  tick(payload: unknown, task: TaskContext) {
    runs.push({ id: task.id, payload });
  }
}

describe('schedules: exactly once per occurrence across instances', () => {
  const prefix = uniquePrefix('sched-once');
  const apps: TaskApp[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await removePrefix(prefix);
  });

  it('enqueues and runs each occurrence of a cron schedule once with three instances firing', async () => {
    for (let i = 0; i < 3; i++) apps.push(await startTaskApp(prefix, [TickTasks]));
    await waitUntil(() => runs.length >= 1, 'the first occurrence', 5_000);
    const firstAt = Number(runs[0].id.split('@')[1]);
    await sleep(5_000);
    await Promise.all(apps.map((app) => app.close()));
    const lastAt = Number(runs[runs.length - 1].id.split('@')[1]);

    const ids = runs.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id, payload } of runs) {
      expect(id).toMatch(/^tick\.second@\d+$/);
      expect(Number(id.split('@')[1]) % 1_000).toBe(0);
      expect(payload).toBeNull();
    }
    // On the one-second grid, in order, and (bar a stalled process) one per second.
    const times = ids.map((id) => Number(id.split('@')[1]));
    for (let i = 1; i < times.length; i++) {
      expect(times[i] - times[i - 1]).toBeGreaterThan(0);
      expect((times[i] - times[i - 1]) % 1_000).toBe(0);
    }
    expect(lastAt - firstAt).toBeGreaterThanOrEqual(4_000);
    expect(times.length).toBeGreaterThanOrEqual((lastAt - firstAt) / 1_000 - 1);

    // The queue's event stream shows each occurrence enqueued once (a second add
    // of a removed task would show a second 'enqueued' event), every run among them.
    const redis = inspector();
    try {
      const events = await redis.xrange(`{${prefix}:default}:events`, '-', '+');
      const enqueued = events.map(([, fields]) => fieldsOf(fields)).filter((e) => e.t === 'enqueued').map((e) => e.i);
      expect(new Set(enqueued).size).toBe(enqueued.length);
      expect(enqueued).toEqual(expect.arrayContaining(ids));
      expect(enqueued.length).toBeLessThanOrEqual(ids.length + 3); // at most one fired per instance while closing
    } finally {
      await redis.quit();
    }
  });
});

describe('schedules: a stale firer cannot fire an occurrence again', () => {
  const prefix = uniquePrefix('sched-stale');
  let producer: TaskApp;

  afterAll(async () => {
    await producer?.close();
    await removePrefix(prefix);
  });

  it('refuses a firing whose due time or revision is no longer the stored one', async () => {
    // worker: false, so no firer of its own runs: the test plays two firers by hand.
    producer = await startTaskApp(prefix, [], { worker: false });
    const store = producer.app.get<ScheduleEngine>(SCHEDULE_ENGINE);
    const read = async () => (await store.list()).find((s) => s.id === 'stale');
    await producer.queue.schedule('stale', 'noop', { n: 1 }, { every: 100 });
    await sleep(150);
    const state = await read();
    const request = { queue: 'default', id: 'stale', due: state!.next, revision: state!.revision, nextDue: state!.next + 1 };

    expect(await store.fire([request])).toEqual(['added']);
    const occurrence = `stale@${state!.next}`;
    expect(await producer.queue.get(occurrence)).toMatchObject({ name: 'noop', payload: { n: 1 }, state: 'waiting' });
    // The occurrence's task goes away (as with removeOnComplete); the second firer read the same due time.
    expect(await producer.queue.cancel(occurrence)).toBe(true);
    expect(await store.fire([request])).toEqual([null]);
    expect(await producer.queue.get(occurrence)).toBeNull();

    // A firer holding the right (due) time but an old revision (the payload changed since) is refused too;
    // one that read the current revision fires, with the new payload.
    const moved = await read();
    expect(moved!.next).toBe(state!.next + 1);
    await producer.queue.schedule('stale', 'noop', { n: 2 }, { every: 100 });
    const stale = { ...request, due: moved!.next, revision: moved!.revision, nextDue: moved!.next + 60_000 };
    expect(await store.fire([stale])).toEqual([null]);
    const current = await read();
    expect(current).toMatchObject({ next: moved!.next, payload: { n: 2 } });
    expect(await store.fire([{ ...stale, revision: current!.revision }])).toEqual(['added']);
    expect(await producer.queue.get(`stale@${moved!.next}`)).toMatchObject({ payload: { n: 2 } });
  });
});
