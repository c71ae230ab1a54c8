import { Redis } from 'ioredis';
import { InvalidTaskOptionsError, TaskStoreError } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';

// With durability set and no replica to confirm, an enqueue is written on the
// master and then refused as 'not-replicated'. The caller is told to re-send
// with the same id: the error names the tasks it wrote, including the ids the
// library generated, which the caller had no other way to learn.

describe("durability: an enqueue the replicas did not confirm", () => {
  let master: OwnRedis;
  let t: TaskApp;
  beforeAll(async () => {
    master = await ownRedis();
    await master.start();
    t = await startTaskApp(uniquePrefix('durable'), [], { connection: master.url, worker: false, durability: { replicas: 1, timeoutMs: 50 } });
  });
  afterAll(async () => {
    await t?.close();
    await master?.destroy();
  });

  it('names the tasks it wrote, generated ids included, and carries them for the re-send', async () => {
    const error = await t.queue.enqueue('mail.send', { to: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskStoreError);
    const { failure, tasks, message } = error as TaskStoreError;
    expect(failure).toBe('not-replicated');
    expect(tasks).toHaveLength(1);
    const [written] = tasks!;
    expect(written.queue).toBe('default');
    expect(message).toContain(`re-send with the same id (nothing is added twice): '${written.id}' in 'default'`);
    // Written on the master, as the message says: a re-send with that id adds nothing.
    expect(await t.queue.get(written)).toMatchObject({ name: 'mail.send', payload: { to: 'a' } });
  });

  it('tells each of several enqueue() calls sent together of its own task only', async () => {
    const errors = (await Promise.all([1, 2, 3, 4, 5].map((n) => t.queue.enqueue('mail.send', { n }, { id: `own-${n}` }).catch((e: unknown) => e)))) as TaskStoreError[];
    errors.forEach((error, i) => {
      expect(error.failure).toBe('not-replicated');
      expect(error.tasks).toEqual([{ id: `own-${i + 1}`, queue: 'default' }]);
      expect(error.message).toMatch(new RegExp(`\\(nothing is added twice\\): 'own-${i + 1}' in 'default'$`));
    });
  });

  it('names the first three of a batch and carries them all', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => ({ name: 'mail.send', payload: { n }, options: { id: `m${n}` } }));
    const error = (await t.queue.enqueueMany(items).catch((e: unknown) => e)) as TaskStoreError;
    expect(error.failure).toBe('not-replicated');
    expect(error.tasks!.map((ref) => ref.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(error.message).toMatch(/: 'm1' in 'default', 'm2' in 'default', 'm3' in 'default' and 2 more \(the error's tasks lists them all\)$/);
  });
});

describe('durability with a Redis user that may not run WAIT', () => {
  let master: OwnRedis;
  let admin: Redis;
  const prefix = uniquePrefix('durable-acl');
  const userUrl = () => master.url.replace('redis://', 'redis://app:pw@');
  beforeAll(async () => {
    master = await ownRedis();
    await master.start();
    admin = new Redis(master.url);
    await admin.acl('SETUSER', 'app', 'reset', 'on', '>pw', '~*', '+@all', '-wait');
  });
  afterAll(async () => {
    admin?.disconnect();
    await master?.destroy();
  });

  it('stops bootstrap, naming +wait, instead of writing every enqueue and reporting it failed', async () => {
    const error = await startTaskApp(prefix, [], { connection: userUrl(), worker: false, durability: { replicas: 1, timeoutMs: 50 } }).then(
      (started) => started.close().then(() => null),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/^TaskModule options: durability: the Redis user at 127\.0\.0\.1:\d+ may not run WAIT, .*add \+wait to its ACL rule/);
    expect((error as Error).message).not.toContain('pw');
  });

  it('says an enqueue was written when WAIT is refused after bootstrap, and carries the tasks for the re-send', async () => {
    await admin.acl('SETUSER', 'app', '+wait');
    const t = await startTaskApp(prefix, [], { connection: userUrl(), worker: false, durability: { replicas: 1, timeoutMs: 50 } });
    try {
      await admin.acl('SETUSER', 'app', '-wait');
      const error = (await t.queue.enqueue('mail.send', {}, { id: 'kept' }).catch((e: unknown) => e)) as TaskStoreError;
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error.failure).toBe('permission-denied');
      expect(error.tasks).toEqual([{ id: 'kept', queue: 'default' }]);
      expect(error.message).toMatch(/written at 127\.0\.0\.1:\d+, but the Redis user may not run WAIT, .*re-send with the same id \(nothing is added twice\): 'kept' in 'default'$/);
      expect(await t.queue.get('kept')).toMatchObject({ name: 'mail.send' });
    } finally {
      await t.close();
      await admin.acl('SETUSER', 'app', '-wait');
    }
  });
});
