import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskFailedError, TaskHandler, TaskNotFoundError } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// removeOnComplete / removeOnDead, per task (enqueue option) and per handler
// (@TaskHandler option): `true` removes the finished task at once, `{ count }`
// keeps the newest n, `{ age }` keeps none older than age ms. They apply over
// the module's retention; an enqueue option wins over the handler's. The
// handlers with a count or an age have a queue each, since the kept window is
// the queue's finished tasks.

let gates = new Gates();

@Injectable()
class RetainedTasks {
  @TaskHandler('plain')
  async plain(payload: { gate?: string }) {
    if (payload.gate) await gates.pass(payload.gate);
    return 'plain result';
  }

  @TaskHandler('plain.fail')
  async plainFail() {
    throw new Error('plain failure');
  }

  @TaskHandler('ephemeral', { removeOnComplete: true, removeOnDead: true })
  async ephemeral(payload: { fail?: boolean }) {
    if (payload.fail) throw new Error('ephemeral failure');
    return 'ephemeral result';
  }

  @TaskHandler('counted', { queue: 'counted', removeOnComplete: { count: 2 } })
  async counted() {
    return 'counted';
  }

  @TaskHandler('aged', { queue: 'aged', removeOnComplete: { age: 300 } })
  async aged() {
    return 'aged';
  }

  @TaskHandler('dead.counted', { queue: 'dead-counted', removeOnDead: { count: 1 } })
  async deadCounted() {
    throw new Error('dies');
  }
}

describe('retention per task and per handler', () => {
  const prefix = uniquePrefix('retention-task');
  let t: TaskApp;
  let redis: Redis;
  const run = async (name: string, options: object = {}, payload: object = {}) => {
    const ref = await t.queue.enqueue(name, payload, options);
    await t.queue.waitFor(ref, { timeout: 5_000 }).catch(() => undefined);
    return ref;
  };

  beforeAll(async () => {
    t = await startTaskApp(prefix, [RetainedTasks]);
    redis = inspector();
  });

  beforeEach(() => {
    gates = new Gates();
  });

  afterEach(() => openAndDrain(gates, t.queue));

  afterAll(async () => {
    await t?.close();
    await redis?.quit();
    await removePrefix(prefix);
  });

  it('removes a task enqueued with removeOnComplete: true once it completes, while a waitFor still gets its result', async () => {
    const ref = await t.queue.enqueue('plain', { gate: 'one' }, { removeOnComplete: true });
    const result = t.queue.waitFor(ref, { timeout: 5_000 });
    await waitUntil(() => gates.held === 1, 'the task running');
    gates.open('one');
    await expect(result).resolves.toBe('plain result');

    expect(await t.queue.get(ref)).toBeNull();
    expect((await keysOf(redis, prefix)).filter((key) => key.includes(ref.id))).toEqual([]);
    // The module default (keep 1,000 for 24 h) still applies to tasks without the option.
    const kept = await run('plain');
    expect(await t.queue.get(kept)).toMatchObject({ state: 'completed', result: 'plain result' });
  });

  it('removes a task enqueued with removeOnDead: true once it is dead, while a waitFor still gets the failure', async () => {
    const ref = await t.queue.enqueue('plain.fail', {}, { removeOnDead: true });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    expect(await t.queue.get(ref)).toBeNull();

    const kept = await run('plain.fail');
    expect(await t.queue.get(kept)).toMatchObject({ state: 'dead', error: { message: 'plain failure' } });
  });

  it('gives a waitFor called after the task was removed at once its outcome, from the event stream', async () => {
    // A worker that is idle starts a task before its producer even hears back from the enqueue, so
    // a task removed as it finishes can be gone before the waitFor that follows the enqueue.
    const died = await t.queue.enqueue('plain.fail', {}, { removeOnDead: true });
    const done = await t.queue.enqueue('ephemeral', {});
    await waitUntil(async () => (await t.queue.get(died)) === null && (await t.queue.get(done)) === null, 'both tasks to be removed');
    await expect(t.queue.waitFor(died, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    await expect(t.queue.waitFor(died, { timeout: 5_000 })).rejects.toThrow('plain failure');
    await expect(t.queue.waitFor(done, { timeout: 5_000 })).resolves.toBe('ephemeral result');
    // An id that never existed is still unknown.
    await expect(t.queue.waitFor('never-added', { timeout: 5_000 })).rejects.toThrow(TaskNotFoundError);
  });

  it('removes a task with removeOnDead: true that ends dead because a dependency did', async () => {
    const failing = await t.queue.enqueue('plain.fail', {}, { delay: 200 });
    const dependent = await t.queue.enqueue('plain', {}, { dependsOn: [failing], removeOnDead: true });
    await expect(t.queue.waitFor(dependent, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    expect(await t.queue.get(dependent)).toBeNull();

    // Already dead when enqueued: it ends dead at once, and is removed at once.
    const late = await t.queue.enqueue('plain', {}, { dependsOn: [failing], removeOnDead: true });
    expect(await t.queue.get(late)).toBeNull();
  });

  it("applies a handler's removeOnComplete / removeOnDead: true, unless the enqueue options say otherwise", async () => {
    const done = await run('ephemeral');
    const died = await run('ephemeral', {}, { fail: true });
    expect(await t.queue.get(done)).toBeNull();
    expect(await t.queue.get(died)).toBeNull();

    const keptDone = await run('ephemeral', { removeOnComplete: { count: 100 } });
    const keptDead = await run('ephemeral', { removeOnDead: { age: 60_000 } }, { fail: true });
    expect(await t.queue.get(keptDone)).toMatchObject({ state: 'completed', result: 'ephemeral result' });
    expect(await t.queue.get(keptDead)).toMatchObject({ state: 'dead', error: { message: 'ephemeral failure' } });
  });

  it("keeps only the newest `count` completed tasks of a handler with removeOnComplete: { count }", async () => {
    const refs = [];
    for (let i = 0; i < 5; i++) refs.push(await run('counted'));
    const states = await Promise.all(refs.map(async (ref) => (await t.queue.get(ref))?.state ?? null));
    expect(states).toEqual([null, null, null, 'completed', 'completed']);
    expect((await t.queue.list('completed', { queue: 'counted' })).map((task) => task.id)).toEqual(refs.slice(3).map((ref) => ref.id));
    expect(await t.queue.counts('counted')).toMatchObject({ completed: 2 });
  });

  it('keeps no completed task older than `age` of a handler with removeOnComplete: { age }', async () => {
    const old = await run('aged');
    expect(await t.queue.get(old)).toMatchObject({ state: 'completed' });
    await sleep(500);
    const fresh = await run('aged');
    expect(await t.queue.get(old)).toBeNull();
    expect(await t.queue.get(fresh)).toMatchObject({ state: 'completed', result: 'aged' });
  });

  it("keeps only the newest `count` dead tasks of a handler with removeOnDead: { count }", async () => {
    const refs = [];
    for (let i = 0; i < 3; i++) refs.push(await run('dead.counted'));
    const states = await Promise.all(refs.map(async (ref) => (await t.queue.get(ref))?.state ?? null));
    expect(states).toEqual([null, null, 'dead']);
    expect(await t.queue.counts('dead-counted')).toMatchObject({ dead: 1 });
  });
});

describe('retention per task over a module retention that keeps nothing', () => {
  const prefix = uniquePrefix('retention-over');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [RetainedTasks], { retention: { completed: { count: 0 }, dead: { count: 0 } } });
  });

  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('keeps tasks whose own removeOnComplete / removeOnDead keeps some, and removes the others at once', async () => {
    const dropped = await t.queue.enqueue('plain', {});
    const kept = await t.queue.enqueue('plain', {}, { removeOnComplete: { count: 5 } });
    const droppedDead = await t.queue.enqueue('plain.fail', {});
    const keptDead = await t.queue.enqueue('plain.fail', {}, { removeOnDead: { count: 5 } });
    await Promise.all([dropped, kept, droppedDead, keptDead].map((ref) => t.queue.waitFor(ref, { timeout: 5_000 }).catch(() => undefined)));

    expect(await t.queue.get(dropped)).toBeNull();
    expect(await t.queue.get(droppedDead)).toBeNull();
    expect(await t.queue.get(kept)).toMatchObject({ state: 'completed', result: 'plain result' });
    expect(await t.queue.get(keptDead)).toMatchObject({ state: 'dead', error: { message: 'plain failure' } });
  });
});
