import { Injectable } from '@nestjs/common';
import { OnWorkerEvent, RedisUnavailableError, TaskAbortedError, TaskContext, TaskHandler, type TaskTestingMode } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

@Injectable()
class SlowTasks {
  readonly reasons: unknown[] = [];
  readonly events: string[] = [];

  @TaskHandler('slow.quick')
  quick() {
    return 'quick';
  }

  @TaskHandler('slow.long')
  async long(_payload: unknown, task: TaskContext) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 400);
      task.signal.addEventListener('abort', () => {
        this.reasons.push(task.signal.reason);
        clearTimeout(timer);
        resolve();
      });
    });
    return 'long';
  }

  @TaskHandler('slow.gated', { concurrency: 1 })
  async gated(payload: { n: number }, task: TaskContext) {
    this.events.push(`started gated ${payload.n}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 400);
      task.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves the handlers that ignore their signal. */
  release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  @TaskHandler('slow.deaf')
  async deaf() {
    this.events.push('started deaf');
    await this.released;
    return 'deaf';
  }

  @OnWorkerEvent('completed')
  completed(event: { name: string }) {
    this.events.push(`completed ${event.name}`);
  }
}

// app.close() in the test mode stops as a worker on Redis does: nothing more
// starts, running attempts have shutdownGraceMs to finish, then the others
// are aborted with a TaskAbortedError of kind 'shutdown' and handed back, the
// attempt not counted, and what they return is not recorded.

describe.each<TaskTestingMode>(['fake', 'inline'])('the test mode (%s) at shutdown', (mode) => {
  it('lets an attempt finish within the grace period, and aborts and hands back one that outlasts it', async () => {
    const t = await startTestingApp([SlowTasks], { mode, worker: { concurrency: 5, shutdownGraceMs: 100 } });
    const tasks = t.get(SlowTasks);
    const quick = await t.queue.enqueue('slow.quick', null);
    const long = await t.queue.enqueue('slow.long', null);
    // Both started: in fake mode by a drain left running, in inline mode by themselves.
    const draining = mode === 'fake' ? t.tester.drain().catch(() => undefined) : Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.close();
    await draining;
    // Aborted at the end of the grace period, not left to run its 400 ms.
    expect(tasks.reasons).toHaveLength(1);
    expect(tasks.reasons[0]).toBeInstanceOf(TaskAbortedError);
    expect(tasks.reasons[0]).toMatchObject({ kind: 'shutdown' });
    // The handler returned once aborted: not recorded, no completed event; the task waits to run again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tasks.events).toEqual(['completed slow.quick']);
    expect(await t.queue.get(quick)).toMatchObject({ state: 'completed' });
    expect(await t.queue.get(long)).toMatchObject({ state: 'waiting', attempts: 0 });
  });

  it('refuses an enqueue once the app is closed, with the error and words an app on Redis would get', async () => {
    const t = await startTestingApp([SlowTasks], { mode });
    await t.close();
    const late = await t.queue.enqueue('slow.quick', null).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(RedisUnavailableError);
    expect((late as Error).message).toBe(
      "enqueue of 'slow.quick' on queue 'default' failed: this app was closed (app.close() was called); call it while the app runs",
    );
  });

  it('hands back a task waiting for its handler slot, which never starts', async () => {
    const t = await startTestingApp([SlowTasks], { mode, worker: { concurrency: 5, shutdownGraceMs: 100 } });
    const tasks = t.get(SlowTasks);
    const [first, second] = await t.queue.enqueueMany([1, 2].map((n) => ({ name: 'slow.gated', payload: { n } })));
    const draining = mode === 'fake' ? t.tester.drain().catch(() => undefined) : Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.close();
    await draining;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The first was running (aborted, handed back); the second waited for the slot and never started.
    expect(tasks.events).toEqual(['started gated 1']);
    expect(await t.queue.get(first)).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(await t.queue.get(second)).toMatchObject({ state: 'waiting', attempts: 0 });
  });
});

describe('the test mode (fake) after a shutdown that gave up an attempt whose handler ignores its signal', () => {
  it('ends the drain that was running, refuses a new drain and runNext, and clears without waiting for the handler', async () => {
    const t = await startTestingApp([SlowTasks], { mode: 'fake', worker: { concurrency: 5, shutdownGraceMs: 50 } });
    const tasks = t.get(SlowTasks);
    try {
      const ref = await t.queue.enqueue('slow.deaf', null);
      const draining = t.tester.drain().then(() => 'resolved', (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(tasks.events).toEqual(['started deaf']);
      await t.close();
      const drained = await draining;
      expect(drained).toBeInstanceOf(Error);
      expect((drained as Error).message).toBe(
        'TaskTester.drain: the app was closed (app.close() was called), so no task runs any more; run tasks before closing it',
      );
      await expect(t.tester.drain()).rejects.toThrow('TaskTester.drain: the app was closed');
      await expect(t.tester.runNext()).rejects.toThrow('TaskTester.runNext: the app was closed');
      // Handed back, not recorded: it waits to run again; clear() does not wait for the handler that never returns.
      expect(await t.queue.get(ref)).toMatchObject({ state: 'waiting', attempts: 0 });
      await t.tester.clear();
      expect(t.tester.enqueued()).toEqual([]);
    } finally {
      tasks.release();
    }
    // Its late return is not recorded either.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tasks.events).toEqual(['started deaf']);
  });
});

describe('the test mode (fake) at shutdown during runNext', () => {
  it('lets the attempt runNext started finish within the grace period', async () => {
    const t = await startTestingApp([SlowTasks], { mode: 'fake', worker: { concurrency: 5, shutdownGraceMs: 1_000 } });
    const tasks = t.get(SlowTasks);
    const ref = await t.queue.enqueue('slow.long', null);
    const running = t.tester.runNext();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.close();
    await running;
    expect(tasks.reasons).toEqual([]);
    expect(tasks.events).toEqual(['completed slow.long']);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', result: 'long' });
  });
});
