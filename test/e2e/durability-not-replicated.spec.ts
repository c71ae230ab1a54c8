import { TaskStoreError } from '../../lib/index.js';
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

  it('names the first three of a batch and carries them all', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => ({ name: 'mail.send', payload: { n }, options: { id: `m${n}` } }));
    const error = (await t.queue.enqueueMany(items).catch((e: unknown) => e)) as TaskStoreError;
    expect(error.failure).toBe('not-replicated');
    expect(error.tasks!.map((ref) => ref.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(error.message).toMatch(/: 'm1' in 'default', 'm2' in 'default', 'm3' in 'default' and 2 more \(the error's tasks lists them all\)$/);
  });
});
