import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A schedule changed at runtime takes effect without a restart: the worker app
// that fires it was never told; the change is made by another, producer-only
// app, and the worker reads definitions from Redis on every pass.

const runs: Array<{ at: number; payload: { v: number } }> = [];

@Injectable()
class PulseTasks {
  @TaskHandler('pulse')
  pulse(payload: { v: number }, task: TaskContext) {
    runs.push({ at: Number(task.id.split('@')[1]), payload });
  }
}

describe('schedules: runtime changes', () => {
  const prefix = uniquePrefix('sched-change');
  let worker: TaskApp;
  let producer: TaskApp;

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [PulseTasks]);
    producer = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await Promise.all([worker.close(), producer.close()]);
    await removePrefix(prefix);
  });

  it('fires the new payload and timing of a schedule changed from another app, without a restart', async () => {
    await producer.queue.schedule('beat', 'pulse', { v: 1 }, { every: 1_500 });
    await waitUntil(() => runs.some((r) => r.payload.v === 1), 'a run of the first definition', 6_000);

    const changed = await producer.queue.schedule('beat', 'pulse', { v: 2 }, { every: 200 });
    await waitUntil(() => runs.filter((r) => r.payload.v === 2).length >= 4, 'four runs of the second definition', 6_000);
    const v2 = runs.filter((r) => r.payload.v === 2).sort((a, b) => a.at - b.at);
    expect(v2[0].at).toBe(changed.next);
    for (const run of v2) expect((run.at - changed.next) % 200).toBe(0);
    // The worker sees the change up to a second late: the occurrences due meanwhile each run, none skipped.
    expect(v2.slice(0, 4).map((run) => run.at - changed.next)).toEqual([0, 200, 400, 600]);
    // Once the change is read, the old definition never fires again.
    const firstV2 = runs.findIndex((r) => r.payload.v === 2);
    expect(runs.slice(firstV2).every((r) => r.payload.v === 2)).toBe(true);

    // From every to cron: occurrences move to whole seconds.
    const asCron = await producer.queue.schedule('beat', 'pulse', { v: 3 }, { cron: '* * * * * *' });
    expect(asCron).toMatchObject({ cron: '* * * * * *', payload: { v: 3 } });
    expect(asCron.every).toBeUndefined();
    await waitUntil(() => runs.filter((r) => r.payload.v === 3).length >= 2, 'two runs of the cron definition', 6_000);
    for (const run of runs.filter((r) => r.payload.v === 3)) expect(run.at % 1_000).toBe(0);
  });
});
