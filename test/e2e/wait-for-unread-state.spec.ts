import { TASK_ENGINE } from '../../lib/engine/engine.tokens.js';
import type { TaskEngine } from '../../lib/engine/task-engine.js';
import { QueueEventHub } from '../../lib/events/queue-event-hub.js';
import { RedisUnavailableError, WaitForTimeoutError } from '../../lib/index.js';
import { TaskWaiter } from '../../lib/producer/task-waiter.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

// What a timed-out waitFor says when it cannot tell what became of the task:
// Redis did not answer or failed the read (it claims no state then), or no
// worker at all is listed under the prefix (a mistyped prefix, or a fleet that
// is down), rather than just "the task is waiting".

describe('waitFor at its timeout, when it cannot see why the task is not done', () => {
  const prefix = uniquePrefix('waitfor-unread');
  let t: TaskApp;

  beforeAll(async () => {
    // A producer only: no worker of its own, and none under this fresh prefix.
    t = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('says the state could not be read when the read fails, rather than that the task is pending', async () => {
    const ref = await t.queue.enqueue('unread.fails', {});
    const engine = t.app.get<TaskEngine>(TASK_ENGINE);
    const said = `get of task ${ref.id} failed: Redis at 127.0.0.1:6390 is unreachable (connect ECONNREFUSED 127.0.0.1:6390)`;
    const get = jest.spyOn(engine, 'get').mockRejectedValueOnce(new RedisUnavailableError(said));
    try {
      const error = await t.queue.waitFor(ref, { timeout: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitForTimeoutError);
      expect((error as Error).message).toBe(`timed out after 200 ms waiting for task ${ref.id} in queue 'default'; its state could not be read (${said})`);
    } finally {
      get.mockRestore();
    }
  });

  it('says no live worker is registered under the prefix, where the store lists every worker', async () => {
    const ref = await t.queue.enqueue('unread.nobody', {});
    const error = await t.queue.waitFor(ref, { timeout: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe(
      `timed out after 200 ms waiting for task ${ref.id} in queue 'default'; the task is waiting, and no live worker is registered under this prefix ` +
        '(is the prefix right? are the workers running?)',
    );
    // A store whose worker is never listed (the test mode's) says nothing of workers.
    const unlisted = new TaskWaiter(t.app.get<TaskEngine>(TASK_ENGINE), t.app.get(QueueEventHub));
    try {
      const quiet = await unlisted.wait('default', ref.id, 200).catch((e: unknown) => e);
      expect((quiet as Error).message).toBe(`timed out after 200 ms waiting for task ${ref.id} in queue 'default'; the task is waiting`);
    } finally {
      unlisted.close();
    }
  });
});

describe('waitFor at its timeout, with Redis not answering', () => {
  let redis: OwnRedis;
  let t: TaskApp;

  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
    t = await startTaskApp('waitfor-frozen', [], { connection: redis.url, worker: false });
  });
  afterAll(async () => {
    redis.thaw();
    await t.close();
    await redis.destroy();
  });

  it('says the state could not be read in time, not that the task is still pending', async () => {
    const ref = await t.queue.enqueue('frozen.task', {});
    const waiting = t.queue.waitFor(ref, { timeout: 400 }).catch((e: unknown) => e);
    // Frozen once waitFor has read the task and follows its events: the read at the timeout gets no reply.
    await sleep(150);
    redis.freeze();
    const error = await waiting;
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe(
      `timed out after 400 ms waiting for task ${ref.id} in queue 'default'; its state could not be read within 500 ms (Redis unreachable or not answering?)`,
    );
  });
});
