import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, defineTask } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// The test mode must start tasks in the order a worker on Redis does. On a
// queue with one slot, a task that failed and waits out its backoff runs after
// the tasks already waiting: drain and the inline runner moved the clock to
// its retry while the slot that freed was still counted as taken, so the retry
// ran first. A paused queue's delayed task is no reason to move the clock, and
// what advanceTime passed is waiting, as a live worker's timer makes it.

const Step = defineTask<{ n: string; fail?: boolean }>('serial.step', { queue: 'serial', attempts: 2, backoff: { type: 'fixed', delay: 1_500 } });

@Injectable()
class SerialTasks {
  readonly ran: string[] = [];

  @TaskHandler(Step)
  step(payload: { n: string; fail?: boolean }, task: TaskContext) {
    this.ran.push(`${payload.n}#${task.attempt}`);
    if (payload.fail && task.attempt === 1) throw new Error('busy');
  }

  // Other queues, looked at after 'serial' in each fill.
  @TaskHandler('other.step', { queue: 'other' })
  other() {}

  @TaskHandler('default.step')
  plain() {}
}

const backlog = [{ n: 'X', fail: true }, { n: 'N1' }, { n: 'N2' }, { n: 'N3' }];

describe.each(['fake', 'inline'] as const)('the test mode (%s) on a queue with one slot', (mode) => {
  let t: TestingApp;
  beforeEach(async () => {
    t = await startTestingApp([SerialTasks], { mode, queues: { serial: { concurrency: 1 } } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('runs the tasks already waiting before a retry whose backoff has not passed', async () => {
    // One call each, as an app enqueues: in inline mode the first starts while the others are sent.
    const refs = [];
    for (const payload of backlog) refs.push(await t.queue.enqueue(Step, payload));
    if (mode === 'fake') await t.tester.drain();
    else await t.queue.waitFor(refs[0], { timeout: 5_000 });
    expect(t.get(SerialTasks).ran).toEqual(['X#1', 'N1#1', 'N2#1', 'N3#1', 'X#2']);
  });

  it('makes what advanceTime passed waiting, on a paused queue too, as a worker on Redis does', async () => {
    await t.queue.pause('serial');
    const [soon, later] = await Promise.all([t.queue.enqueue(Step, { n: 'S' }, { delay: 100, priority: 5 }), t.queue.enqueue(Step, { n: 'L' }, { delay: 900 })]);
    t.tester.advanceTime(500);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([(await t.queue.get(soon))?.state, (await t.queue.get(later))?.state]).toEqual(['waiting', 'delayed']);
    expect(await t.queue.counts('serial')).toMatchObject({ waiting: 1, delayed: 1 });
    expect(t.get(SerialTasks).ran).toEqual([]);
  });

  it('leaves the clock alone for a delayed task of a paused queue', async () => {
    await t.queue.pause('serial');
    const before = t.tester.now();
    const ref = await t.queue.enqueue(Step, { n: 'D' }, { delay: 300 });
    if (mode === 'fake') expect(await t.tester.drain()).toEqual({ attempts: 0, advancedMs: 0 });
    else await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.tester.now()).toBe(before);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'delayed' });
    await t.queue.resume('serial');
    if (mode === 'fake') await t.tester.drain();
    else await t.queue.waitFor(ref, { timeout: 5_000 });
    expect(t.get(SerialTasks).ran).toEqual(['D#1']);
  });
});
