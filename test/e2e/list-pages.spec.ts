import { Injectable } from '@nestjs/common';
import { InvalidTaskOptionsError, TaskHandler, type TaskState } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// list(state, { queue, offset, limit }) returns TaskInfo pages in a stable
// order, oldest first (waiting tasks in the order they will run), for every
// state including blocked. Queue 'idle' has no handler in this app, so its
// tasks stay where they were put; queue 'worked' is consumed.

let gates = new Gates();

@Injectable()
class ListedTasks {
  @TaskHandler('hold', { queue: 'worked' })
  async hold(payload: { key: string }) {
    await gates.pass(payload.key);
  }

  @TaskHandler('ok', { queue: 'worked' })
  async ok() {
    return 'ok';
  }

  @TaskHandler('fail', { queue: 'worked' })
  async fail() {
    throw new Error('failed on purpose');
  }
}

const ids = (tasks: Array<{ id: string }>) => tasks.map((task) => task.id);

describe('list: pages of tasks by state', () => {
  const prefix = uniquePrefix('list');
  let t: TaskApp;

  beforeAll(async () => {
    // A short lease, so the worker renews its leases several times while tasks are held.
    t = await startTaskApp(prefix, [ListedTasks], { worker: { concurrency: 5, leaseMs: 900, shutdownGraceMs: 1_000 } });
  });

  beforeEach(() => {
    gates = new Gates();
  });

  afterEach(() => openAndDrain(gates, t.queue, ['worked']));

  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('pages waiting tasks in the order they will run: higher priority first, then first in first out', async () => {
    const priorities = [0, 5, 0, -1, 5, 0, 10, -1, 0, 5, 3, 0];
    const refs = [];
    for (const [i, priority] of priorities.entries()) {
      refs.push(await t.queue.enqueue('job', { i }, { queue: 'idle', priority, id: `w-${String(99 - i).padStart(2, '0')}` }));
    }
    const expected = refs
      .map((ref, i) => ({ id: ref.id, priority: priorities[i], i }))
      .sort((x, y) => y.priority - x.priority || x.i - y.i)
      .map((x) => x.id);

    const pages = [];
    for (let offset = 0; offset < 15; offset += 5) pages.push(await t.queue.list('waiting', { queue: 'idle', offset, limit: 5 }));
    expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(ids(pages.flat())).toEqual(expected);
    expect(ids(await t.queue.list('waiting', { queue: 'idle' }))).toEqual(expected);
    expect(await t.queue.list('waiting', { queue: 'idle', offset: 12 })).toEqual([]);

    const [first] = await t.queue.list('waiting', { queue: 'idle', limit: 1 });
    expect(first).toMatchObject({ id: expected[0], name: 'job', queue: 'idle', state: 'waiting', priority: 10, payload: { i: 6 }, attempts: 0 });
    // Another queue's list is its own.
    expect(await t.queue.list('waiting')).toEqual([]);
  });

  it('pages delayed tasks soonest due first, and blocked tasks oldest first with their pending dependencies', async () => {
    // Ids sort the other way round from the expected order, so an order by id would show.
    const delays = [3_000, 1_000, 5_000, 2_000, 4_000];
    for (const [i, delay] of delays.entries()) await t.queue.enqueue('job', {}, { queue: 'idle', delay: delay * 100, id: `d-${9 - i}` });
    const delayed = await t.queue.list('delayed', { queue: 'idle' });
    expect(delayed.map((task) => task.runAt)).toEqual([...delayed.map((task) => task.runAt)].sort((x, y) => x - y));
    expect(ids(delayed)).toEqual(['d-8', 'd-6', 'd-9', 'd-5', 'd-7']);
    expect(ids(await t.queue.list('delayed', { queue: 'idle', offset: 1, limit: 2 }))).toEqual(['d-6', 'd-9']);

    const blockedIds = [];
    for (let i = 0; i < 4; i++) {
      blockedIds.push((await t.queue.enqueue('job', {}, { queue: 'idle', id: `b-${9 - i}`, dependsOn: ['d-8'] })).id);
      await sleep(3);
    }
    const blocked = await t.queue.list('blocked', { queue: 'idle' });
    expect(ids(blocked)).toEqual(blockedIds);
    expect(blocked[0]).toMatchObject({ state: 'blocked', pendingDependencies: ['d-8'] });
    expect(ids(await t.queue.list('blocked', { queue: 'idle', offset: 2, limit: 5 }))).toEqual(blockedIds.slice(2));
  });

  it('pages active tasks oldest started first, also after their leases were renewed', async () => {
    const started = [];
    for (const id of ['act-c', 'act-b', 'act-a']) {
      started.push((await t.queue.enqueue('hold', { key: id }, { id })).id);
      await waitUntil(() => gates.arrived.includes(id), `${id} running`);
      await sleep(3);
    }
    expect(ids(await t.queue.list('active', { queue: 'worked' }))).toEqual(started);
    // Past two renewals (every 300 ms with a 900 ms lease).
    await sleep(750);
    expect(ids(await t.queue.list('active', { queue: 'worked' }))).toEqual(started);
    expect(ids(await t.queue.list('active', { queue: 'worked', offset: 1, limit: 1 }))).toEqual([started[1]]);
  });

  it('pages completed and dead tasks oldest finished first', async () => {
    const completed = [];
    const dead = [];
    for (let i = 0; i < 4; i++) {
      const ok = await t.queue.enqueue('ok', {}, { id: `c-${9 - i}` });
      await t.queue.waitFor(ok, { timeout: 5_000 });
      completed.push(ok.id);
      const failing = await t.queue.enqueue('fail', {}, { id: `x-${9 - i}` });
      await t.queue.waitFor(failing, { timeout: 5_000 }).catch(() => undefined);
      dead.push(failing.id);
      await sleep(3);
    }
    const finished = await t.queue.list('completed', { queue: 'worked' });
    // Earlier tests finished some tasks of this queue too: ours are the newest, in order.
    expect(ids(finished).filter((id) => id.startsWith('c-'))).toEqual(completed);
    expect(finished.slice(-4).map((task) => task.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(ids(await t.queue.list('dead', { queue: 'worked' }))).toEqual(dead);
    expect(ids(await t.queue.list('dead', { queue: 'worked', offset: 3, limit: 10 }))).toEqual([dead[3]]);
    expect((await t.queue.list('dead', { queue: 'worked', limit: 1 }))[0]).toMatchObject({ state: 'dead', error: { message: 'failed on purpose' } });
  });

  it('rejects a bad state, limit or offset with an InvalidTaskOptionsError naming it', async () => {
    const bad: Array<[TaskState, object, RegExp]> = [
      ['running' as TaskState, {}, /state must be one of blocked, waiting, delayed, active, completed, dead, got "running"/],
      ['waiting', { limit: 0 }, /limit must be an integer from 1 to 1000, got 0/],
      ['waiting', { limit: 1_001 }, /limit must be an integer from 1 to 1000/],
      ['waiting', { limit: 2.5 }, /limit/],
      ['waiting', { offset: -1 }, /offset/],
      ['waiting', { queue: '' }, /queue/],
    ];
    for (const [state, options, message] of bad) {
      // async: catches the error whether list throws it or rejects with it (see the next test).
      const error = await (async () => t.queue.list(state, options))().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidTaskOptionsError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reports bad list options as a rejected promise, not a synchronous throw', async () => {
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = t.queue.list('running' as TaskState);
    }).not.toThrow();
    await expect(returned).rejects.toThrow(InvalidTaskOptionsError);
  });
});
