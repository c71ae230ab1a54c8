import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskInfo } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// unschedule() stops a schedule across the fleet: once it resolves, no new
// occurrence is enqueued by any instance, and the schedule is no longer listed.

const runs: string[] = [];

@Injectable()
class BeatTasks {
  @TaskHandler('beat')
  beat(_payload: unknown, task: TaskContext) {
    runs.push(task.id);
  }
}

describe('schedules: unschedule', () => {
  const prefix = uniquePrefix('sched-unschedule');
  const apps: TaskApp[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await removePrefix(prefix);
  });

  /** Ids of every occurrence task stored, in any state. */
  async function occurrences(app: TaskApp): Promise<string[]> {
    const states = ['waiting', 'delayed', 'active', 'completed', 'dead'] as const;
    const pages: TaskInfo[][] = await Promise.all(states.map((state) => app.queue.list(state, { limit: 1_000 })));
    return pages.flat().map((task) => task.id).filter((id) => id.startsWith('heartbeat@')).sort();
  }

  it('stops every instance from enqueueing occurrences once it resolves', async () => {
    for (let i = 0; i < 2; i++) apps.push(await startTaskApp(prefix, [BeatTasks]));
    await apps[0].queue.schedule('heartbeat', 'beat', null, { every: 150 });
    await waitUntil(() => runs.length >= 3, 'three occurrences', 5_000);

    // Removed through the other instance than the one that created it.
    expect(await apps[1].queue.unschedule('heartbeat')).toBe(true);
    const stored = await occurrences(apps[0]);
    await sleep(1_500); // ten periods, and longer than any instance goes without reading the schedules
    expect(await occurrences(apps[0])).toEqual(stored);
    expect(runs.every((id) => stored.includes(id))).toBe(true);

    expect(await apps[0].queue.schedules()).toEqual([]);
    expect(await apps[0].queue.unschedule('heartbeat')).toBe(false);
    expect(await apps[0].queue.unschedule('never-existed')).toBe(false);
  });
});
