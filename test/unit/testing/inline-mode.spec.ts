import { Injectable } from '@nestjs/common';
import { TaskContext, TaskFailedError, TaskHandler, UnrecoverableTaskError, defineTask } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// mode: 'inline': a task runs as soon as it is enqueued and due, through the
// pipeline, so waitFor works with no worker loop. On the virtual clock, the
// runner skips ahead to delayed tasks and backoff when nothing else runs.

const Charge = defineTask<{ cents: number }, { receipt: string }>('charge', { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } });

@Injectable()
class BillingTasks {
  failuresLeft = 0;
  readonly attempts: number[] = [];

  @TaskHandler(Charge)
  charge(payload: { cents: number }, task: TaskContext) {
    this.attempts.push(task.attempt);
    if (payload.cents < 0) throw new UnrecoverableTaskError('negative amount');
    if (this.failuresLeft-- > 0) throw new Error('gateway busy');
    return { receipt: `r-${payload.cents}-${task.attempt}` };
  }
}

describe("the test mode's inline mode", () => {
  describe('on the virtual clock', () => {
    let t: TestingApp;
    beforeEach(async () => {
      t = await startTestingApp([BillingTasks], { mode: 'inline' });
    });
    afterEach(async () => {
      await t.close();
    });

    it('runs an enqueued task at once: waitFor resolves with its result', async () => {
      const ref = await t.queue.enqueue(Charge, { cents: 100 });
      expect(await t.queue.waitFor(ref, { timeout: 2_000 })).toEqual({ receipt: 'r-100-1' });
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });
    });

    it('skips ahead through backoff and delays instead of waiting for them', async () => {
      t.get(BillingTasks).failuresLeft = 2;
      const before = t.tester.now();
      const ref = await t.queue.enqueue(Charge, { cents: 5 }, { delay: 3_600_000 });
      expect(await t.queue.waitFor(ref, { timeout: 2_000 })).toEqual({ receipt: 'r-5-3' });
      // One hour of delay, then 60 s and 120 s of backoff, on the virtual clock.
      expect(t.tester.now() - before).toBeGreaterThanOrEqual(3_600_000 + 180_000);
      expect(t.get(BillingTasks).attempts).toEqual([1, 2, 3]);
    });

    it('rejects waitFor with TaskFailedError once a task is dead', async () => {
      const ref = await t.queue.enqueue(Charge, { cents: -1 });
      const error = await t.queue.waitFor(ref, { timeout: 2_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as Error).message).toBe('negative amount');
      expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
    });
  });

  it('waits for delays and backoff on the real clock with timers: real', async () => {
    const t = await startTestingApp([BillingTasks], { mode: 'inline', timers: 'real', defaults: { backoff: { type: 'fixed', delay: 50 } } });
    try {
      t.get(BillingTasks).failuresLeft = 1;
      const started = Date.now();
      const ref = await t.queue.enqueue(Charge, { cents: 7 }, { delay: 80, backoff: { type: 'fixed', delay: 60 } });
      expect(await t.queue.get(ref)).toMatchObject({ state: 'delayed' });
      expect(await t.queue.waitFor(ref, { timeout: 5_000 })).toEqual({ receipt: 'r-7-2' });
      // Never earlier than the delay plus the backoff.
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(() => t.tester.advanceTime(1)).toThrow(/timers: 'real'/);
    } finally {
      await t.close();
    }
  });
});
