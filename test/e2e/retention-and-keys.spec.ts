import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, scanKeys, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class KeptTasks {
  runs = 0;

  @TaskHandler('keep.ok')
  async ok(payload: { n: number }, task: TaskContext) {
    this.runs++;
    await task.progress(100);
    return payload.n;
  }

  @TaskHandler('keep.fail')
  async fail() {
    this.runs++;
    throw new Error('always fails');
  }

  @TaskHandler('keep.mail', { queue: 'emails' })
  async mail(payload: { to: string }) {
    return payload.to;
  }
}

/** Every key whose name contains `text`, wherever it appears in the name. */
function keysContaining(redis: Redis, text: string): Promise<string[]> {
  return scanKeys(redis, `*${text}*`);
}

const taskKeys = (keys: string[]) => keys.filter((k) => k.includes('}:t:'));

/**
 * The trim runs inside each settle, so the count should be exact; we still
 * allow an overshoot of 2 so a lazier (batched) trim would not fail the test,
 * while unbounded growth (20 kept) would.
 */
const OVERSHOOT = 2;

describe('retention keeps a bounded number of finished tasks', () => {
  let redis: Redis;
  let prefix: string;
  let t: TaskApp | undefined;

  beforeAll(() => {
    redis = inspector();
  });
  beforeEach(() => {
    prefix = uniquePrefix('retain');
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await removePrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('keeps at most about `count` completed tasks and deletes the records of the others', async () => {
    // One at a time, so tasks finish in the order they were enqueued.
    t = await startTaskApp(prefix, [KeptTasks], {
      retention: { completed: { count: 5 } },
      worker: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000 },
    });
    const tasks = t.get(KeptTasks);
    const refs = [];
    for (let n = 0; n < 20; n++) refs.push(await t.queue.enqueue('keep.ok', { n }));
    await waitUntil(() => tasks.runs === 20, '20 tasks to run');
    await waitUntil(async () => (await t!.queue.counts()).active === 0, 'no active task');

    const counts = await t.queue.counts();
    expect(counts.completed).toBeGreaterThanOrEqual(1);
    expect(counts.completed).toBeLessThanOrEqual(5 + OVERSHOOT);

    const infos = await Promise.all(refs.map((ref) => t!.queue.get(ref)));
    const kept = infos.filter((info) => info !== null);
    expect(kept).toHaveLength(counts.completed);
    for (const info of kept) expect(info).toMatchObject({ state: 'completed' });
    // The kept records are the latest to finish; the oldest go first.
    const latest = refs.slice(-(5 + OVERSHOOT)).map((r) => r.id);
    for (const info of kept) expect(latest).toContain(info!.id);
    expect(infos[infos.length - 1]).not.toBeNull();
    expect(infos[0]).toBeNull();

    const records = taskKeys(await keysOf(redis, prefix));
    expect(records).toHaveLength(kept.length);
    const completedIds = await redis.zrange(`{${prefix}:default}:completed`, 0, -1);
    expect(completedIds.sort()).toEqual(kept.map((i) => i!.id).sort());
  });

  it('with count: 0 removes a completed task at once', async () => {
    t = await startTaskApp(prefix, [KeptTasks], { retention: { completed: { count: 0 } } });
    const tasks = t.get(KeptTasks);
    const refs = [];
    for (let n = 0; n < 5; n++) refs.push(await t.queue.enqueue('keep.ok', { n }));
    await waitUntil(() => tasks.runs === 5, '5 tasks to run');
    await waitUntil(async () => (await t!.queue.counts()).active === 0, 'no active task');

    expect(await t.queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });
    for (const ref of refs) expect(await t.queue.get(ref)).toBeNull();
    expect(taskKeys(await keysOf(redis, prefix))).toEqual([]);
  });

  it('bounds dead tasks by their own retention', async () => {
    t = await startTaskApp(prefix, [KeptTasks], { retention: { dead: { count: 2 } } });
    const tasks = t.get(KeptTasks);
    for (let n = 0; n < 8; n++) await t.queue.enqueue('keep.fail', { n });
    await waitUntil(() => tasks.runs === 8, '8 tasks to run');
    await waitUntil(async () => (await t!.queue.counts()).active === 0, 'no active task');

    const counts = await t.queue.counts();
    expect(counts.dead).toBeGreaterThanOrEqual(1);
    expect(counts.dead).toBeLessThanOrEqual(2 + OVERSHOOT);
    expect(taskKeys(await keysOf(redis, prefix))).toHaveLength(counts.dead);
  });
});

describe('every key of a queue carries the hash tag {prefix:queue}', () => {
  const prefix = uniquePrefix('hashtag');
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [KeptTasks], { defaults: { attempts: 2, backoff: { type: 'fixed', delay: 50 } } });
    redis = inspector();
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('creates no key under the prefix that does not start with {prefix:queue}:', async () => {
    // Touch every kind of state: waiting, delayed, active, completed, dead,
    // retried, cancelled, awaited, generated ids, explicit ids, two queues.
    const ok = await t.queue.enqueue('keep.ok', { n: 1 }, { id: 'explicit-id' });
    const failing = await t.queue.enqueue('keep.fail', {});
    const mail = await t.queue.enqueue('keep.mail', { to: 'a@b.c' });
    const later = await t.queue.enqueue('keep.ok', { n: 2 }, { delay: 60_000 });
    const parked = await t.queue.enqueue('keep.ok', { n: 3 }, { queue: 'parked', priority: 3 });
    const soon = await t.queue.enqueue('keep.ok', { n: 4 }, { delay: 100 });
    await t.queue.enqueueMany([
      { name: 'keep.ok', payload: { n: 5 } },
      { name: 'keep.mail', payload: { to: 'c@d.e' } },
    ]);
    await t.queue.waitFor(ok, { timeout: 5_000 });
    await t.queue.waitFor(mail, { timeout: 5_000 });
    await t.queue.waitFor(soon, { timeout: 5_000 });
    await expect(t.queue.waitFor(failing, { timeout: 5_000 })).rejects.toThrow('always fails');
    expect(await t.queue.retry(failing)).toBe(true);
    await expect(t.queue.waitFor(failing, { timeout: 5_000 })).rejects.toThrow('always fails');
    expect(await t.queue.cancel(later)).toBe(true);
    await t.queue.get(parked);
    await t.queue.counts('parked');

    const all = await keysContaining(redis, prefix);
    expect(all.length).toBeGreaterThan(0);
    const allowed = ['default', 'emails', 'parked'].map((queue) => `{${prefix}:${queue}}:`);
    // The prefix-wide slot holds only the directories of schedules and workers, the registry of queue names and the workers' heartbeat records.
    const prefixWide = new RegExp(`^\\{${prefix}:\\}:(schedules|workers|queues|w:.+)$`);
    const stray = all.filter((key) => !allowed.some((tag) => key.startsWith(tag)) && !prefixWide.test(key));
    expect(stray).toEqual([]);
    // Each queue's keys really are there under its own tag.
    for (const tag of allowed) expect(all.some((key) => key.startsWith(tag))).toBe(true);
  });
});
