import { Injectable } from '@nestjs/common';
import { TaskHandler, WaitForTimeoutError } from '../../../lib/index.js';
import { TASK_ENGINE } from '../../../lib/engine/engine.tokens.js';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

@Injectable()
class MailTasks {
  @TaskHandler('mail.send')
  send() {
    return 'sent';
  }
}

// At its timeout, waitFor reads the task to say in its error what became of
// it. A task that finishes during that read answers with its outcome: the
// waiter stays registered until the read returns, so neither the final event
// nor the read can lose it.

describe('waitFor at its timeout', () => {
  it('answers with the outcome of a task that finished as the time ran out', async () => {
    const t = await startTestingApp([MailTasks], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('mail.send', null);
      const engine = t.app.get<TaskEngine>(TASK_ENGINE);
      const get = engine.get.bind(engine);
      // The task runs to its end just as the timeout's read of it begins.
      jest.spyOn(engine, 'get').mockImplementationOnce(async (queue, id) => {
        await t.tester.runNext();
        return get(queue, id);
      });
      await expect(t.queue.waitFor(ref, { timeout: 50 })).resolves.toBe('sent');
    } finally {
      await t.close();
    }
  });

  it('says what it saw of a task still waiting', async () => {
    const t = await startTestingApp([MailTasks], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('mail.send', null);
      const error = await t.queue.waitFor(ref, { timeout: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitForTimeoutError);
      expect((error as Error).message).toBe(
        `timed out after 50 ms waiting for task ${ref.id} in queue 'default'; the task is waiting: ` +
          "in the test mode's fake mode a task runs only when TaskTester.drain() or runNext() runs it",
      );
    } finally {
      await t.close();
    }
  });
});
