import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError, QueueBusyError, TaskContext, TaskHandler } from '../../lib/index.js';
import { Gates } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// retryAll, drain, clean and obliterate through TaskQueue, against a real Redis.

const gates = new Gates();
let failing = true;

@Injectable()
class BulkTasks {
  @TaskHandler('bulk.flaky', { queue: 'bulk', attempts: 1 })
  async flaky(_payload: unknown, task: TaskContext) {
    await task.log('ran');
    if (failing) throw new Error('not yet');
    return 'fixed';
  }

  @TaskHandler('bulk.other', { queue: 'bulk', attempts: 1 })
  async other() {
    throw new Error('always');
  }

  @TaskHandler('bulk.held', { queue: 'held' })
  async held(payload: { gate: string }) {
    await gates.pass(payload.gate);
  }

  @TaskHandler('bulk.done', { queue: 'held' })
  done() {
    return 'done';
  }
}

describe('bulk operations', () => {
  const prefix = uniquePrefix('bulk');
  let t: TaskApp;
  let redis: Redis;
  const queueKeys = async (queue: string) => (await keysOf(redis, prefix)).filter((key) => key.startsWith(`{${prefix}:${queue}}:`));

  beforeAll(async () => {
    t = await startTaskApp(prefix, [BulkTasks]);
    redis = inspector();
  });
  afterAll(async () => {
    gates.openAll();
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('retryAll moves dead tasks (of one name when asked) back with fresh attempts, and they run again', async () => {
    const flaky = await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'bulk.flaky', payload: { n } })));
    const other = await t.queue.enqueue('bulk.other', {});
    await waitUntil(async () => (await t.queue.counts('bulk')).dead === 4, 'four dead tasks');
    failing = false;
    expect(await t.queue.retryAll('bulk', { state: 'dead', name: 'bulk.flaky' })).toBe(3);
    for (const ref of flaky) expect(await t.queue.waitFor(ref, { timeout: 5_000 })).toBe('fixed');
    expect(await t.queue.get(flaky[0])).toMatchObject({ state: 'completed', attempts: 1 });
    expect(await t.queue.get(other)).toMatchObject({ state: 'dead' });
    expect(await t.queue.retryAll('bulk', { state: 'dead', name: 'bulk.flaky' })).toBe(0);
  });

  it('clean removes finished tasks older than asked, up to a limit, and returns their ids', async () => {
    const completed = (await t.queue.list('completed', { queue: 'bulk' })).map((i) => i.id);
    expect(completed).toHaveLength(3);
    expect(await t.queue.clean('bulk', 'completed', { olderThanMs: 3_600_000 })).toEqual([]);
    const first = await t.queue.clean('bulk', 'completed', { limit: 2 });
    expect(first).toHaveLength(2);
    expect(await t.queue.clean('bulk', 'completed')).toEqual(completed.filter((id) => !first.includes(id)));
    expect(await t.queue.clean('bulk', 'dead')).toHaveLength(1);
    expect(await t.queue.counts('bulk')).toMatchObject({ completed: 0, dead: 0 });
    // Their logs went with them: the queue has no per-task key left.
    expect((await queueKeys('bulk')).filter((key) => /:(t|d|l):/.test(key))).toEqual([]);
  });

  it('drain removes waiting (and, when asked, delayed) tasks while a running one finishes', async () => {
    const running = await t.queue.enqueue('bulk.held', { gate: 'drain' });
    await waitUntil(() => gates.arrived.includes('drain'), 'the held task to start');
    await t.queue.pause('held');
    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'bulk.done', payload: { n }, options: { queue: 'held' } })));
    const later = await t.queue.enqueue('bulk.done', {}, { queue: 'held', delay: 60_000 });
    expect(await t.queue.drain('held')).toBe(3);
    expect(await t.queue.counts('held')).toMatchObject({ waiting: 0, delayed: 1, active: 1 });
    expect(await t.queue.drain('held', { delayed: true })).toBe(1);
    expect(await t.queue.get(later)).toBeNull();
    await t.queue.resume('held');
    gates.open('drain');
    await t.queue.waitFor(running, { timeout: 5_000 });
  });

  it('obliterate refuses while a task runs, then, forced, removes every key of the queue and no other', async () => {
    await t.queue.enqueue('bulk.held', { gate: 'obliterate' });
    await waitUntil(() => gates.arrived.includes('obliterate'), 'the held task to start');
    await t.queue.schedule('held-tick', 'bulk.done', {}, { every: 3_600_000, queue: 'held' });
    await t.queue.enqueue('bulk.done', {}, { queue: 'held', delay: 60_000 });
    const otherKeys = (await keysOf(redis, prefix)).filter((key) => !key.startsWith(`{${prefix}:held}:`)).sort();

    await expect(t.queue.obliterate('held')).rejects.toThrow(QueueBusyError);
    await expect(t.queue.obliterate('held')).rejects.toThrow(/1 task\(s\) of the queue are running.*\{ force: true \}/);
    expect(await t.queue.counts('held')).toMatchObject({ active: 1, delayed: 1, paused: false });

    await t.queue.obliterate('held', { force: true });
    // This app's worker still serves the queue, so its next heartbeat advertises its handler names
    // again (the one key a live worker re-creates); every other key is gone.
    const leftBehind = async () => (await queueKeys('held')).filter((key) => key !== `{${prefix}:held}:hn`);
    expect(await leftBehind()).toEqual([]);
    expect(await t.queue.schedules()).toEqual([]);
    // The running attempt's outcome is discarded: it changes nothing once it ends.
    gates.open('obliterate');
    await waitUntil(async () => (await t.queue.counts('held')).active === 0, 'the discarded attempt to end');
    expect(await leftBehind()).toEqual([]);
    expect((await keysOf(redis, prefix)).filter((key) => !key.startsWith(`{${prefix}:held}:`) && !key.includes(':schedules')).sort()).toEqual(
      otherKeys.filter((key) => !key.includes(':schedules')),
    );
    // The queue works again from scratch.
    const fresh = await t.queue.enqueue('bulk.done', {}, { queue: 'held' });
    expect(await t.queue.waitFor(fresh, { timeout: 5_000 })).toBe('done');
  });

  it('refuses bad arguments before changing anything, naming what was wrong', async () => {
    await expect(t.queue.retryAll('bulk', { state: 'completed' } as never)).rejects.toThrow(/retryAll: state must be 'dead'/);
    await expect(t.queue.retryAll('bulk', undefined as never)).rejects.toThrow(InvalidTaskOptionsError);
    await expect(t.queue.retryAll('bulk', { state: 'dead', nme: 'x' } as never)).rejects.toThrow(/unknown option 'nme'/);
    await expect(t.queue.drain('', {})).rejects.toThrow(/drain: queue must be a non-empty string/);
    await expect(t.queue.drain('bulk', { delayed: 'yes' } as never)).rejects.toThrow(/delayed must be true or false/);
    await expect(t.queue.clean('bulk', 'waiting' as never)).rejects.toThrow(/clean: state must be 'completed' or 'dead'/);
    await expect(t.queue.clean('bulk', 'dead', { limit: 0 })).rejects.toThrow(/limit must be an integer >= 1/);
    await expect(t.queue.clean('bulk', 'dead', { olderThanMs: -1 })).rejects.toThrow(/olderThanMs must be an integer >= 0/);
    await expect(t.queue.obliterate('bulk', { forced: true } as never)).rejects.toThrow(/unknown option 'forced'/);
  });
});
