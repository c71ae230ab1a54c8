import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

// A @TaskHandler schedule is upserted at every bootstrap under its task name:
// an app booting with the same timing keeps the stored next due time (a fleet
// restart or a rolling deploy neither delays nor repeats an occurrence); a
// changed timing starts again from now; a changed payload alone keeps the time.

@Injectable()
class HourlyV1 {
  @TaskHandler('rollup', { schedule: { every: 3_600_000 } })
  run() {}
}

@Injectable()
class TwoHourlyV2 {
  @TaskHandler('rollup', { schedule: { every: 7_200_000 } })
  run() {}
}

@Injectable()
class TwoHourlyV3 {
  @TaskHandler('rollup', { schedule: { every: 7_200_000, payload: { region: 'eu' } } })
  run() {}
}

describe('schedules: declared schedules at bootstrap', () => {
  const prefix = uniquePrefix('sched-declared');

  afterAll(async () => {
    await removePrefix(prefix);
  });

  /** Boots an app with `tasks`, reads the 'rollup' schedule, and closes the app. */
  async function bootAndRead(tasks: new () => object) {
    const app = await startTaskApp(prefix, [tasks], { worker: false });
    try {
      const listed = await app.queue.schedules();
      expect(listed.map((s) => s.id)).toEqual(['rollup']);
      return listed[0];
    } finally {
      await app.close();
    }
  }

  it('keeps the next due time for an unchanged timing and recomputes it for a changed one', async () => {
    const first = await bootAndRead(HourlyV1);
    expect(first).toMatchObject({ name: 'rollup', queue: 'default', payload: null, every: 3_600_000 });

    await sleep(50);
    expect((await bootAndRead(HourlyV1)).next).toBe(first.next);

    await sleep(50);
    const retimed = await bootAndRead(TwoHourlyV2);
    expect(retimed.every).toBe(7_200_000);
    expect(retimed.next - first.next).toBeGreaterThan(3_600_000);

    await sleep(50);
    const repayloaded = await bootAndRead(TwoHourlyV3);
    expect(repayloaded).toEqual({ ...retimed, payload: { region: 'eu' } });
  });
});
