import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskInfo, type TaskRef } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

@Injectable()
class DelayedTasks {
  readonly started: string[] = [];

  @TaskHandler('d.run')
  async run(payload: { label: string }, task: TaskContext) {
    this.started.push(payload.label);
    return { id: task.id };
  }
}

/**
 * The contract asks for 50 ms when a worker is free; this bound only catches
 * a missed due time (the worker's idle safety net is 5 s) on a noisy machine.
 */
const LATE_BOUND_MS = 1_500;

describe('delayed tasks run at their due time, not before and not much after', () => {
  const prefix = uniquePrefix('delayed');
  let t: TaskApp;
  let tasks: DelayedTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [DelayedTasks]);
    tasks = t.get(DelayedTasks);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  /** Waits for the task, then returns how late it started (Redis time: startedAt - runAt) and its info. */
  async function lateness(ref: TaskRef, what: string): Promise<{ late: number; info: TaskInfo }> {
    await t.queue.waitFor(ref, { timeout: 10_000 });
    const info = (await t.queue.get(ref))!;
    const late = info.startedAt! - info.runAt;
    console.info(`delayed-tasks: ${what} started ${late} ms after its due time`);
    return { late, info };
  }

  it('keeps a task enqueued with delay delayed, then starts it no earlier than due', async () => {
    const ref = await t.queue.enqueue('d.run', { label: 'delay' }, { delay: 1_500 });
    const before = await t.queue.get(ref);
    expect(before).toMatchObject({ state: 'delayed', startedAt: null });
    expect(before!.runAt - before!.enqueuedAt).toBe(1_500);
    await sleep(300);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'delayed', attempts: 0 });

    const { late, info } = await lateness(ref, 'delay 1500');
    expect(info.runAt).toBe(before!.runAt);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(LATE_BOUND_MS);
  });

  it('keeps a task enqueued with runAt delayed, then starts it no earlier than runAt', async () => {
    const runAt = new Date(Date.now() + 800);
    const ref = await t.queue.enqueue('d.run', { label: 'runAt' }, { runAt });
    expect(await t.queue.get(ref)).toMatchObject({ state: 'delayed', runAt: runAt.getTime() });

    const { late, info } = await lateness(ref, 'runAt +800');
    expect(info.runAt).toBe(runAt.getTime());
    expect(info.startedAt).toBeGreaterThanOrEqual(runAt.getTime());
    expect(late).toBeLessThan(LATE_BOUND_MS);
  });

  it('starts on time a delayed task enqueued while the worker is idle, blocked on Redis', async () => {
    await sleep(500); // nothing queued: the worker is blocked waiting for work
    const ref = await t.queue.enqueue('d.run', { label: 'idle' }, { delay: 1_500 });
    const { late } = await lateness(ref, 'delay 1500 on an idle worker');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(LATE_BOUND_MS);
  });

  it('starts on time a task due sooner than the delayed task the worker was already timing', async () => {
    const far = await t.queue.enqueue('d.run', { label: 'far' }, { delay: 4_000 });
    await sleep(200); // the worker has armed its timer for `far`
    const near = await t.queue.enqueue('d.run', { label: 'near' }, { delay: 600 });
    const { late } = await lateness(near, 'delay 600 enqueued after a delay 4000');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(LATE_BOUND_MS);
    expect(await t.queue.get(far)).toMatchObject({ state: 'delayed' });
    expect(await t.queue.cancel(far)).toBe(true);
  });

  it('runs delayed tasks in the order they fall due, not the order they were enqueued', async () => {
    const start = tasks.started.length;
    // A second apart: tasks that fall due together keep their enqueue order (see docs/semantics.md), so a
    // worker late by the gap on a busy machine would start them in that order.
    const refs = await t.queue.enqueueMany([
      { name: 'd.run', payload: { label: 'due-2300' }, options: { delay: 2_300 } },
      { name: 'd.run', payload: { label: 'due-300' }, options: { delay: 300 } },
      { name: 'd.run', payload: { label: 'due-1300' }, options: { delay: 1_300 } },
    ]);
    await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 10_000 })));
    expect(tasks.started.slice(start)).toEqual(['due-300', 'due-1300', 'due-2300']);
    for (const ref of refs) {
      const info = (await t.queue.get(ref))!;
      expect(info.startedAt).toBeGreaterThanOrEqual(info.runAt);
    }
  });

  it('runs a task whose runAt is in the past immediately', async () => {
    const ref = await t.queue.enqueue('d.run', { label: 'past' }, { runAt: new Date(Date.now() - 60_000) });
    const first = await t.queue.get(ref);
    expect(first?.state).not.toBe('delayed');
    await t.queue.waitFor(ref, { timeout: 5_000 });
    const info = (await t.queue.get(ref))!;
    const sinceEnqueue = info.startedAt! - info.enqueuedAt;
    console.info(`delayed-tasks: runAt in the past started ${sinceEnqueue} ms after enqueue`);
    expect(sinceEnqueue).toBeLessThan(LATE_BOUND_MS);
  });
});
