import { Injectable, Logger } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// A producer without the handler sends a task by name to 'default'; a deploy
// that moves a handler to another queue leaves its backlog in the old one. A
// worker of 'default' (for another handler) runs such a task with the handler
// this app declared on 'emails', so that the backlog drains, but not silently:
// the run escapes the 'emails' queue's concurrency, rate limit and policy.

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

  it('runs, and the worker warns that it ran outside its own queue, naming the queue to enqueue it on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const ref = await producer.queue.enqueue('mail.send', { to: 'a@b.c' });
      expect(ref.queue).toBe('default');
      await producer.queue.waitFor(ref, { timeout: 10_000 });
      expect(runs).toEqual(['mail.send']);
      expect(warn.mock.calls.map((call) => String(call[0]))).toContain(
        `queue 'default': task ${ref.id} (mail.send) ran here, though this app's handler for it (MailTasks.send) consumes queue 'emails': ` +
          "outside that queue's concurrency, rate limit and policy; enqueue it there ({ queue: 'emails' }, or by its definition)",
      );
      // On its own queue: no warning.
      warn.mockClear();
      const right = await producer.queue.enqueue('mail.send', { to: 'a@b.c' }, { queue: 'emails' });
      await producer.queue.waitFor(right, { timeout: 10_000 });
      expect(runs).toEqual(['mail.send', 'mail.send']);
      expect(warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('ran here'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
