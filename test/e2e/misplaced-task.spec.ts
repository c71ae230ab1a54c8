import { Injectable, Logger } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// A producer without the handler sends a task by name to 'default'. A worker of
// 'default' (for another handler) must not run it with the handler this app
// declared on 'emails': that run would escape the 'emails' queue's concurrency,
// rate limit and policy, silently. The task ends dead, saying where it belongs.

const runs: string[] = [];

@Injectable()
class MailTasks {
  @TaskHandler('mail.send', { queue: 'emails' })
  send() {
    runs.push('mail.send');
  }

  @TaskHandler('audit')
  audit() {
    runs.push('audit');
  }
}

describe('a task in another queue than the one its handler consumes', () => {
  const prefix = uniquePrefix('misplaced');
  let worker: TaskApp;
  let producer: TaskApp;

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [MailTasks], { queues: { emails: { concurrency: 1 } } });
    producer = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.close();
    await removePrefix(prefix);
  });

  it('is not run by that handler: it ends dead, naming the queue to enqueue it on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const ref = await producer.queue.enqueue('mail.send', { to: 'a@b.c' });
      expect(ref.queue).toBe('default');
      await expect(producer.queue.waitFor(ref, { timeout: 10_000 })).rejects.toMatchObject({
        message: expect.stringContaining(
          "no handler for mail.send in queue 'default': this app's handler for it (MailTasks.send) consumes queue 'emails', so the task was not run outside that queue's limits and policy; enqueue it there ({ queue: 'emails' }, or by its definition)",
        ),
      });
      expect(runs).toEqual([]);
      expect(warn.mock.calls.map((call) => String(call[0]))).toContain(
        `queue 'default': task ${ref.id} is dead: no handler for mail.send; this app's handler for it consumes queue 'emails': enqueue it there ({ queue: 'emails' }, or by its definition)`,
      );
      // On its own queue, the same task runs.
      const right = await producer.queue.enqueue('mail.send', { to: 'a@b.c' }, { queue: 'emails' });
      await producer.queue.waitFor(right, { timeout: 10_000 });
      expect(runs).toEqual(['mail.send']);
    } finally {
      warn.mockRestore();
    }
  });
});
