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

  @TaskHandler('serial.doomed', { queue: 'serial', attempts: 1 })
  doomed(payload: { n: string }) {
    this.ran.push(`${payload.n}#1`);
    throw new Error('doomed');
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

// The virtual clock stands still while tasks run, so a whole drain finishes in
// one millisecond: finished tasks tied on their finish time were ordered by
// id, and count retention kept the wrong ones (the first to finish when their
// ids sorted last; generated ids stop sorting in enqueue order after 36).
describe.each(['fake', 'inline'] as const)('the test mode (%s) keeping finished tasks by count', (mode) => {
  let t: TestingApp;
  beforeEach(async () => {
    t = await startTestingApp([SerialTasks], { mode, queues: { serial: { concurrency: 1 } }, retention: { completed: { count: 5 }, dead: { count: 5 } } });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Enqueues one at a time, as an app does, and waits until every one has finished. */
  async function runAll(items: Array<{ name: 'serial.step' | 'serial.doomed'; n: string; id?: string }>): Promise<void> {
    const before = t.get(SerialTasks).ran.length;
    const refs = [];
    for (const { name, n, id } of items) refs.push(await t.queue.enqueue(name, { n }, id === undefined ? { queue: 'serial' } : { queue: 'serial', id }));
    if (mode === 'fake') await t.tester.drain();
    else for (const ref of refs) await t.queue.waitFor(ref, { timeout: 5_000 }).catch(() => undefined); // the dead ones reject
    expect(t.get(SerialTasks).ran.length - before).toBe(items.length);
  }

  const payloads = async (state: 'completed' | 'dead') => (await t.queue.list(state, { queue: 'serial', limit: 100 })).map((task) => (task.payload as { n: string }).n);

  it('keeps the last to finish, oldest first, whatever their ids', async () => {
    // Ids that sort backwards, then ids the library makes (40: past where their counters stop sorting in order).
    await runAll(['t9', 't8', 't7', 't6', 't5', 't4', 't3', 't2', 't1', 't0'].map((id) => ({ name: 'serial.step' as const, n: id, id })));
    expect(await payloads('completed')).toEqual(['t4', 't3', 't2', 't1', 't0']);
    await runAll(Array.from({ length: 40 }, (_, n) => ({ name: 'serial.step' as const, n: `g${n}` })));
    expect(await payloads('completed')).toEqual(['g35', 'g36', 'g37', 'g38', 'g39']);
  });

  it('keeps the last dead ones the same way', async () => {
    await runAll(['z', 'y', 'x', 'w', 'v', 'u', 't'].map((id) => ({ name: 'serial.doomed' as const, n: id, id })));
    expect(await payloads('dead')).toEqual(['x', 'w', 'v', 'u', 't']);
  });
});
