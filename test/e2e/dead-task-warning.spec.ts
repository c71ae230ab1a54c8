import { Injectable, Logger } from '@nestjs/common';
import { TaskHandler, UnrecoverableTaskError, type TaskContext } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A handler's failure is recorded and retried without a log line; the one
// that ends its task dead is logged, so a broken handler is not quieter than
// a misspelt task name (which is logged too).

@Injectable()
class FailingTasks {
  @TaskHandler('db.write', { attempts: 2, backoff: { type: 'fixed', delay: 50 } })
  write() {
    throw new Error('database is down');
  }

  @TaskHandler('db.check', { attempts: 3 })
  check() {
    throw new UnrecoverableTaskError('bad input');
  }

  /** Runs before db.taken-back gives up: what takes its lease from it, unseen by this worker until its settle. */
  beforeGivingUp: (task: TaskContext) => Promise<void> = async () => undefined;

  @TaskHandler('db.taken-back', { attempts: 3 })
  async takenBack(_payload: unknown, task: TaskContext) {
    await this.beforeGivingUp(task);
    throw new UnrecoverableTaskError('gave up');
  }
}

describe('a task whose handler fails for good', () => {
  const prefix = uniquePrefix('dead-warn');
  let app: TaskApp;

  beforeAll(async () => {
    app = await startTaskApp(prefix, [FailingTasks]);
  });
  afterAll(async () => {
    await app?.close();
    await removePrefix(prefix);
  });

  it('is logged once, when it ends dead, not at each failed attempt', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const write = await app.queue.enqueue('db.write', {});
      const check = await app.queue.enqueue('db.check', {});
      await expect(app.queue.waitFor(write, { timeout: 10_000 })).rejects.toMatchObject({ message: 'database is down' });
      await expect(app.queue.waitFor(check, { timeout: 10_000 })).rejects.toMatchObject({ message: 'bad input' });
      // Logged once the settle is taken, a turn after its reply.
      await waitUntil(() => warn.mock.calls.filter((call) => String(call[0]).includes(' is dead after ')).length >= 2, 'both warnings');
      const lines = warn.mock.calls.map((call) => String(call[0]));
      // The unrecoverable one first: it skips its retries, where db.write waits out its backoff.
      expect(lines.filter((line) => line.includes(' is dead after '))).toEqual([
        expect.stringMatching(new RegExp(`^queue 'default': task ${check.id} \\(db\\.check\\) is dead after attempt 1 of 3: UnrecoverableTaskError: bad input$`)),
        expect.stringMatching(new RegExp(`^queue 'default': task ${write.id} \\(db\\.write\\) is dead after attempt 2 of 2: Error: database is down$`)),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('is not logged when the store refuses the outcome: the lease was taken back meanwhile, and the task is not dead', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const admin = inspector();
    try {
      const recordKey = (id: string) => `{${prefix}:default}:t:${id}`;
      app.app.get(FailingTasks).beforeGivingUp = async (task) => {
        // Another worker's lease now, as after a recovery this worker has not heard of yet.
        expect(await admin.hset(recordKey(task.id), 'lk', 'another-worker:2:1')).toBe(0);
      };
      const ref = await app.queue.enqueue('db.taken-back', {});
      await waitUntil(
        () => warn.mock.calls.some((call) => String(call[0]).includes(ref.id)),
        'the worker to say what became of the outcome',
        10_000,
      );
      const lines = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes(ref.id));
      expect(lines).toEqual([expect.stringContaining('its lease had ended')]);
      expect(await app.queue.get(ref)).toMatchObject({ state: 'active' });
    } finally {
      warn.mockRestore();
      await admin.quit();
    }
  });
});
