import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError } from '../../lib/index.js';
import { snapshotPrefix } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';

// dependsOn is checked at enqueue: a dependency that does not exist, or one in
// another queue, is refused with a clear error, and nothing at all is written
// (for enqueueMany: not even the valid items of the batch). A producer-only
// app, so no worker touches the keys between the snapshots.

describe('dependencies: refused at enqueue', () => {
  const prefix = uniquePrefix('deps-valid');
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false });
    redis = inspector();
    // Something in both queues already, so "nothing written" is checked against live keys too.
    await t.queue.enqueue('seed', {}, { id: 'present' });
    await t.queue.enqueue('seed', {}, { id: 'elsewhere', queue: 'other' });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.quit();
    await removePrefix(prefix);
  });

  it('refuses a dependsOn naming a missing id, naming that id, and writes nothing', async () => {
    const before = await snapshotPrefix(redis, prefix);

    const error = await t.queue.enqueue('job', {}, { id: 'wants-ghost', dependsOn: ['present', 'ghost'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/dependsOn: no task ghost in this queue/);

    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
    expect(await t.queue.get('wants-ghost')).toBeNull();
  });

  it('refuses a whole enqueueMany batch when one item depends on a missing id: none of its items is written', async () => {
    const before = await snapshotPrefix(redis, prefix);

    const error = await t.queue
      .enqueueMany([
        { name: 'job', payload: { n: 1 }, options: { id: 'batch-ok-1' } },
        { name: 'job', payload: { n: 2 }, options: { id: 'batch-ok-2', dependsOn: ['batch-ok-1'] } },
        { name: 'job', payload: { n: 3 }, options: { id: 'batch-bad', dependsOn: ['batch-ok-2', 'ghost'] } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain('ghost');

    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
    for (const id of ['batch-ok-1', 'batch-ok-2', 'batch-bad']) expect(await t.queue.get(id)).toBeNull();
  });

  it('says so when the missing dependency comes later in the same batch (the parent put first)', async () => {
    const before = await snapshotPrefix(redis, prefix);
    const error = await t.queue
      .enqueueMany([
        { name: 'parent', payload: {}, options: { id: 'p', dependsOn: ['k1', 'k2'] } },
        { name: 'child', payload: {}, options: { id: 'k1' } },
        { name: 'child', payload: {}, options: { id: 'k2' } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toBe(
      "enqueueMany item 0 ('parent'): dependsOn: no task k1 in this queue (never added, cancelled, or removed by remove() or retention); " +
        "it is item 1 of this enqueueMany, after this one: put a task's dependencies before it in the list (children first, the parent last)",
    );
    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
  });

  it('refuses a whole enqueueMany batch spanning two queues when an item of one queue depends on a missing id', async () => {
    const before = await snapshotPrefix(redis, prefix);

    const error = await t.queue
      .enqueueMany([
        { name: 'job', payload: {}, options: { id: 'fine-in-other', queue: 'other' } },
        { name: 'job', payload: {}, options: { id: 'bad-in-default', dependsOn: ['ghost'] } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain('ghost');

    expect(await t.queue.get('fine-in-other', { queue: 'other' })).toBeNull();
    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
  });

  it('refuses a dependency ref in another queue, naming both queues, and writes nothing', async () => {
    const before = await snapshotPrefix(redis, prefix);

    const error = await t.queue.enqueue('job', {}, { dependsOn: [{ id: 'elsewhere', queue: 'other' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/dependsOn\[0\] is in queue 'other'.*own queue 'default'/);

    // A bare id is looked up in the task's own queue, where 'elsewhere' does not exist.
    await expect(t.queue.enqueue('job', {}, { dependsOn: ['elsewhere'] })).rejects.toThrow(/no task elsewhere in this queue/);

    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
  });

  it('accepts dependencies on earlier items of the same batch, leaving the later ones blocked', async () => {
    const [first, second] = await t.queue.enqueueMany([
      { name: 'job', payload: {}, options: { id: 'batch-first' } },
      { name: 'job', payload: {}, options: { id: 'batch-second', dependsOn: ['batch-first', 'present'] } },
    ]);
    expect(await t.queue.get(first)).toMatchObject({ state: 'waiting' });
    expect(await t.queue.get(second)).toMatchObject({ state: 'blocked', pendingDependencies: ['batch-first', 'present'] });
  });
});
