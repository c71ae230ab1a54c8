import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, TaskQueue, defineTask } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// mode: 'fake': nothing runs until the test says so; TaskTester lists what
// was enqueued, runs it (with retries, backoff, follow-ups, dependencies) and
// moves a virtual clock through delays.

const Welcome = defineTask<{ to: string }, { sent: string }>('welcome', { queue: 'emails', attempts: 4, backoff: { type: 'fixed', delay: 30_000 } });

@Injectable()
class EmailTasks {
  readonly ran: string[] = [];
  failuresLeft = 0;

  constructor(private readonly tasks: TaskQueue) {}

  @TaskHandler(Welcome)
  async welcome(payload: { to: string }, task: TaskContext) {
    this.ran.push(`welcome ${payload.to} #${task.attempt}`);
    if (this.failuresLeft-- > 0) throw new Error('smtp busy');
    await this.tasks.enqueue('audit', { about: payload.to }, { queue: 'emails' });
    return { sent: payload.to };
  }

  @TaskHandler('audit', { queue: 'emails' })
  audit(payload: { about: string }) {
    this.ran.push(`audit ${payload.about}`);
  }

  @TaskHandler('report', { queue: 'emails' })
  report(payload: { n: number }) {
    this.ran.push(`report ${payload.n}`);
  }
}

describe("the test mode's fake mode", () => {
  let t: TestingApp;
  let tasks: EmailTasks;
  beforeEach(async () => {
    t = await startTestingApp([EmailTasks], { mode: 'fake', queues: { emails: { defaults: { timeout: 5_000, removeOnDead: { count: 10 } } } } });
    tasks = t.get(EmailTasks);
  });
  afterEach(async () => {
    await t.close();
  });

  it('lists what was enqueued, with the options it was stored with, and runs nothing by itself', async () => {
    const ref = await t.queue.enqueue(Welcome, { to: 'ada@example.com' }, { delay: 5_000, priority: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tasks.ran).toEqual([]);
    expect(t.tester.enqueued(Welcome)).toEqual([
      {
        id: ref.id,
        name: 'welcome',
        queue: 'emails',
        payload: { to: 'ada@example.com' },
        options: { priority: 3, attempts: 4, backoff: { type: 'fixed', delay: 30_000 }, timeout: 5_000, delay: 5_000, removeOnDead: { count: 10 } },
        state: 'delayed',
      },
    ]);
    expect(t.tester.enqueued('audit')).toEqual([]);
    expect(t.tester.mode).toBe('fake');
  });

  it('drains through retries, backoff and follow-ups on the virtual clock', async () => {
    tasks.failuresLeft = 2;
    const ref = await t.queue.enqueue(Welcome, { to: 'bob' }, { delay: 60_000 });
    const before = t.tester.now();
    const report = await t.tester.drain();
    expect(tasks.ran).toEqual(['welcome bob #1', 'welcome bob #2', 'welcome bob #3', 'audit bob']);
    expect(report.attempts).toBe(4);
    // 60 s of delay and two 30 s backoffs went by on the virtual clock.
    expect(report.advancedMs).toBeGreaterThanOrEqual(120_000);
    expect(t.tester.now() - before).toBeGreaterThanOrEqual(120_000);
    expect(await t.queue.waitFor(ref, { timeout: 1_000 })).toEqual({ sent: 'bob' });
    expect(t.tester.enqueued().map((e) => [e.name, e.state])).toEqual([['welcome', 'completed'], ['audit', 'completed']]);
  });

  it('runs one task at a time with runNext, highest priority first, moving the clock to a delayed one', async () => {
    await t.queue.enqueue('report', { n: 1 });
    await t.queue.enqueue('report', { n: 2 }, { priority: 10 });
    await t.queue.enqueue('report', { n: 3 }, { delay: 1_000 });
    expect((await t.tester.runNext())?.payload).toEqual({ n: 2 });
    expect((await t.tester.runNext({ advanceTime: false }))?.payload).toEqual({ n: 1 });
    expect(await t.tester.runNext({ advanceTime: false })).toBeNull();
    expect(await t.tester.runNext()).toMatchObject({ payload: { n: 3 }, state: 'completed' });
    expect(await t.tester.runNext()).toBeNull();
    expect(tasks.ran).toEqual(['report 2', 'report 1', 'report 3']);
  });

  it('runs a promoted delayed task without moving the clock, and a retry waiting out its backoff as its next attempt', async () => {
    await t.queue.enqueue('report', { n: 1 }, { delay: 60_000 });
    const retried = await t.queue.enqueue(Welcome, { to: 'cy' });
    tasks.failuresLeft = 1;
    await t.tester.runNext({ advanceTime: false });
    expect(await t.queue.get(retried)).toMatchObject({ state: 'delayed', attempts: 1 });
    const [later] = t.tester.enqueued('report');
    expect(await t.queue.promote(later.id, { queue: 'emails' })).toBe(true);
    expect(await t.queue.promote(retried)).toBe(true);
    expect(await t.queue.promote(retried)).toBe(false);
    expect(await t.tester.drain({ advanceTime: false })).toMatchObject({ advancedMs: 0 });
    expect(tasks.ran).toEqual(['welcome cy #1', 'report 1', 'welcome cy #2', 'audit cy']);
  });

  it('moves the clock no further than asked, and not at all with advanceTime: false', async () => {
    await t.queue.enqueue('report', { n: 1 }, { delay: 1_000 });
    await t.queue.enqueue('report', { n: 2 }, { delay: 10_000 });
    expect(await t.tester.drain({ advanceTime: false })).toEqual({ attempts: 0, advancedMs: 0 });
    expect(await t.tester.drain({ advanceTime: 5_000 })).toEqual({ attempts: 1, advancedMs: 1_000 });
    expect(await t.queue.counts('emails')).toMatchObject({ delayed: 1, completed: 1 });
    t.tester.advanceTime(9_000);
    expect(await t.tester.drain({ advanceTime: false })).toMatchObject({ attempts: 1 });
  });

  it('runs dependents once their dependencies complete, and leaves paused queues and unhandled queues alone', async () => {
    const [a, b] = await t.queue.enqueueMany([
      { name: 'report', payload: { n: 1 } },
      { name: 'report', payload: { n: 2 } },
    ]);
    await t.queue.enqueue('report', { n: 3 }, { queue: 'emails', dependsOn: [a, b] });
    await t.queue.enqueue('nobody', { n: 4 }, { queue: 'elsewhere' });
    await t.tester.drain();
    expect(tasks.ran).toEqual(['report 1', 'report 2', 'report 3']);
    expect(await t.queue.counts('elsewhere')).toMatchObject({ waiting: 1 });

    await t.queue.pause('emails');
    await t.queue.enqueue('report', { n: 5 });
    await t.tester.drain();
    expect(tasks.ran).toHaveLength(3);
    await t.queue.resume('emails');
    await t.tester.drain();
    expect(tasks.ran.at(-1)).toBe('report 5');
  });

  it('runs a task a running handler waits for', async () => {
    @Injectable()
    class Parent {
      constructor(private readonly tasks: TaskQueue) {}
      @TaskHandler('parent')
      async parent() {
        const child = await this.tasks.enqueue('child', { n: 2 });
        return { child: await this.tasks.waitFor<number>(child, { timeout: 5_000 }) };
      }
      @TaskHandler('child')
      child(payload: { n: number }) {
        return payload.n * 21;
      }
    }
    const app = await startTestingApp([Parent], { mode: 'fake' });
    try {
      const ref = await app.queue.enqueue('parent', null);
      await app.tester.drain();
      expect(await app.queue.get(ref)).toMatchObject({ state: 'completed', result: { child: 42 } });
    } finally {
      await app.close();
    }
  });

  it('gives up on a drain that never ends, naming the cause', async () => {
    @Injectable()
    class Forever {
      constructor(private readonly tasks: TaskQueue) {}
      @TaskHandler('again')
      again() {
        return this.tasks.enqueue('again', null);
      }
    }
    const app = await startTestingApp([Forever], { mode: 'fake' });
    try {
      await app.queue.enqueue('again', null);
      await expect(app.tester.drain({ maxAttempts: 50 })).rejects.toThrow(/drain: ran 50 attempts and tasks remain/);
    } finally {
      await app.close();
    }
  });

  it('forgets every task with clear(), keeping the clock', async () => {
    await t.queue.enqueue('report', { n: 1 });
    t.tester.advanceTime(1_000);
    const now = t.tester.now();
    await t.tester.clear();
    expect(t.tester.enqueued()).toEqual([]);
    expect(await t.queue.counts('emails')).toMatchObject({ waiting: 0 });
    expect(t.tester.now()).toBe(now);
    expect(await t.tester.drain()).toEqual({ attempts: 0, advancedMs: 0 });
  });
});
