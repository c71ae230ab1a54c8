import { Injectable } from '@nestjs/common';
import { TaskHandler, TaskNotFoundError } from '../../../lib/index.js';
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

// A task this process cancels or removes before it finished has no final
// event to come: its waitFor callers here are told by the cancel or remove
// itself, not by the existence check a second or two later (which, in test
// mode, meant real seconds per test).

describe('waitFor on a task this process takes away', () => {
  async function settledBy(action: (t: Awaited<ReturnType<typeof startTestingApp>>, id: string) => Promise<boolean>) {
    const t = await startTestingApp([], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('mail.send', null, { delay: 60_000 });
      let outcome: unknown = 'still waiting';
      const waiting = t.queue.waitFor(ref, { timeout: 60_000 }).then(
        (value) => (outcome = { resolved: value }),
        (error: unknown) => (outcome = error),
      );
      expect(await action(t, ref.id)).toBe(true);
      // No timer runs in between: the rejection was queued by the call itself.
      await Promise.resolve();
      const seen = outcome;
      await waiting;
      return seen;
    } finally {
      await t.close();
    }
  }

  it('rejects when cancel() resolves', async () => {
    const outcome = await settledBy((t, id) => t.queue.cancel(id));
    expect(outcome).toBeInstanceOf(TaskNotFoundError);
    expect(outcome).toMatchObject({ whileWaiting: true });
  });

  it('rejects when remove() of an unfinished task resolves', async () => {
    const outcome = await settledBy((t, id) => t.queue.remove(id));
    expect(outcome).toBeInstanceOf(TaskNotFoundError);
    expect(outcome).toMatchObject({ whileWaiting: true });
  });

  it('answers a finished task removed at once with its outcome, not as vanished', async () => {
    const t = await startTestingApp([MailTasks], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('mail.send', null);
      const waiting = t.queue.waitFor(ref, { timeout: 60_000 });
      await t.tester.runNext();
      expect(await t.queue.remove(ref)).toBe(true);
      await expect(waiting).resolves.toBe('sent');
    } finally {
      await t.close();
    }
  });

  it('leaves alone a waitFor begun while the cancel was on its way: it may wait for a new task under the same id', async () => {
    const t = await startTestingApp([MailTasks], { mode: 'fake' });
    try {
      await t.queue.enqueue('mail.send', null, { id: 'reused', delay: 60_000 });
      const stale = t.queue.waitFor('reused', { timeout: 60_000 }).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      // The cancel's reply is held back until the new task is added and waited on,
      // as a reply from Redis can arrive after the caller's next calls began.
      const engine = t.app.get<TaskEngine>(TASK_ENGINE);
      const cancel = engine.cancel.bind(engine);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      jest.spyOn(engine, 'cancel').mockImplementationOnce(async (queue, id) => {
        const cancelled = await cancel(queue, id);
        await held;
        return cancelled;
      });
      const cancelling = t.queue.cancel('reused');
      await t.queue.enqueue('mail.send', null, { id: 'reused' });
      const fresh = t.queue.waitFor('reused', { timeout: 60_000 });
      release();
      expect(await cancelling).toBe(true);
      expect(await stale).toMatchObject({ whileWaiting: true });
      await t.tester.runNext();
      await expect(fresh).resolves.toBe('sent');
    } finally {
      await t.close();
    }
  });
});
