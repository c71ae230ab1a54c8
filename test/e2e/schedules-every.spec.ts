import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// An `every` schedule made at runtime with TaskQueue.schedule: its occurrences
// come every `every` ms from its first due time, into the queue of the app's
// handler for the task (or the queue named in the options), with the payload,
// each with the task id '<scheduleId>@<due time>'.

const runs: Array<{ id: string; queue: string; payload: unknown }> = [];

@Injectable()
class ReportTasks {
  @TaskHandler('report.build', { queue: 'reports' })
  build(payload: unknown, task: TaskContext) {
    runs.push({ id: task.id, queue: task.queue, payload });
  }
}

describe('schedules: every', () => {
  const prefix = uniquePrefix('sched-every');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [ReportTasks]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('runs the task every interval, on a grid from its first due time, in the handler queue', async () => {
    const before = Date.now();
    const info = await t.queue.schedule('sales', 'report.build', { kind: 'sales' }, { every: 300 });
    expect(info).toEqual({ id: 'sales', name: 'report.build', queue: 'reports', payload: { kind: 'sales' }, every: 300, priority: 0, attempts: 1, backoff: { type: 'exponential', delay: 1_000 }, next: expect.any(Number) });
    // Redis time, about one interval ahead (generous bounds: the test's clock is not Redis').
    expect(info.next).toBeGreaterThan(before - 5_000);
    expect(info.next).toBeLessThan(Date.now() + 5_000);

    await waitUntil(() => runs.length >= 5, 'five occurrences', 10_000);
    const times = runs.map((run) => Number(run.id.slice('sales@'.length)));
    expect(runs[0].id).toBe(`sales@${info.next}`);
    for (const [i, run] of runs.entries()) {
      expect(run).toEqual({ id: `sales@${times[i]}`, queue: 'reports', payload: { kind: 'sales' } });
      expect((times[i] - info.next) % 300).toBe(0);
      if (i > 0) expect(times[i]).toBeGreaterThan(times[i - 1]);
    }
  });

  it('fires into the queue the options name, even with no handler for it anywhere', async () => {
    const info = await t.queue.schedule('elsewhere', 'report.build', null, { every: 200, queue: 'archive' });
    expect(info.queue).toBe('archive');
    // This app consumes 'reports' only: the occurrences wait in 'archive', added by its firer.
    await waitUntil(async () => (await t.queue.counts('archive')).waiting >= 2, 'two occurrences waiting in archive', 5_000);
    const waiting = await t.queue.list('waiting', { queue: 'archive' });
    for (const task of waiting) expect(task).toMatchObject({ id: expect.stringMatching(/^elsewhere@\d+$/), name: 'report.build', payload: null });
    expect(runs.every((run) => !run.id.startsWith('elsewhere@'))).toBe(true);
    await t.queue.unschedule('elsewhere');
  });
});
