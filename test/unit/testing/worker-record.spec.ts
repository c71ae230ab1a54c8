import { Injectable } from '@nestjs/common';
import { TaskHandler, TaskQueue } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// workers() and queues() in the test mode list what they list on Redis: the
// app's worker, whose id a running task's lease names, and the queues its
// handlers serve, used or not.

@Injectable()
class GatedTasks {
  release: () => void = () => undefined;
  readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  @TaskHandler('gated.run', { queue: 'gated' })
  run() {
    return this.gate;
  }

  @TaskHandler('idle.run', { queue: 'idle' })
  idle() {}
}

@Injectable()
class SelfAwareTasks {
  readonly seen: number[] = [];

  constructor(private readonly tasks: TaskQueue) {}

  @TaskHandler('self.look', { queue: 'self' })
  async look() {
    const [worker] = await this.tasks.workers();
    this.seen.push(worker.queues.find((q) => q.queue === 'self')!.running);
  }
}

/** The running count of the first queue of the first worker listed. */
const firstQueueRunning = async (queue: TaskQueue) => (await queue.workers())[0]?.queues[0]?.running;

describe("the test mode's worker record", () => {
  it.each(['fake', 'inline'] as const)('counts a handler that reads workers() at its start as running (%s)', async (mode) => {
    const t = await startTestingApp([SelfAwareTasks], { mode });
    try {
      const ref = await t.queue.enqueue('self.look', {}, { queue: 'self' });
      if (mode === 'fake') await t.tester.drain();
      else await t.queue.waitFor(ref, { timeout: 2_000 });
      expect(t.get(SelfAwareTasks).seen).toEqual([1]);
    } finally {
      await t.close();
    }
  });

  it("lists the app's worker, named by a running task's lease, and the queues it serves", async () => {
    const t = await startTestingApp([GatedTasks], { mode: 'inline', worker: { concurrency: 3 } });
    try {
      expect(await t.queue.queues()).toEqual(['gated', 'idle']);
      const ref = await t.queue.enqueue('gated.run', {}, { queue: 'gated' });
      // The record is written again a turn after an attempt starts or ends (on Redis, at each heartbeat).
      const runningNow = () => firstQueueRunning(t.queue);
      for (let i = 0; i < 100 && (await runningNow()) !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      const [worker, ...others] = await t.queue.workers();
      expect(others).toEqual([]);
      expect((await t.queue.get(ref))?.lease?.workerId).toBe(worker.instanceId);
      expect(worker).toMatchObject({
        pid: process.pid,
        queues: [
          { queue: 'gated', handlers: ['gated.run'], concurrency: 3, running: 1 },
          { queue: 'idle', handlers: ['idle.run'], concurrency: 3, running: 0 },
        ],
      });
      t.get(GatedTasks).release();
      await t.queue.waitFor(ref, { timeout: 2_000 });
    } finally {
      await t.close();
    }
  });

  it('counts a task runNext runs as running (fake mode)', async () => {
    const t = await startTestingApp([GatedTasks], { mode: 'fake' });
    try {
      await t.queue.enqueue('gated.run', {}, { queue: 'gated' });
      const ran = t.tester.runNext();
      const runningNow = () => firstQueueRunning(t.queue);
      for (let i = 0; i < 100 && (await runningNow()) !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await runningNow()).toBe(1);
      t.get(GatedTasks).release();
      await ran;
      for (let i = 0; i < 100 && (await runningNow()) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await runningNow()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('lists none in an app without a worker (worker: false), as a producer-only app on Redis', async () => {
    const producer = await startTestingApp([GatedTasks], { mode: 'fake', worker: false });
    try {
      expect(await producer.queue.workers()).toEqual([]);
      expect(await producer.queue.queues()).toEqual([]);
    } finally {
      await producer.close();
    }
  });
});
