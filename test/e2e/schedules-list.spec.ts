import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// schedules() lists every schedule of the prefix, declared or made at runtime,
// from any app (here a producer-only one that declares none), by id, with the
// next due time; cron, every and timezone appear when set.

@Injectable()
class DigestTasks {
  @TaskHandler('digest.weekly', { queue: 'mail', schedule: { cron: '0 8 * * 1', timezone: 'Europe/Berlin', payload: { kind: 'weekly' } } })
  weekly() {}
}

describe('schedules: listing', () => {
  const prefix = uniquePrefix('sched-list');
  let worker: TaskApp;
  let producer: TaskApp;

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [DigestTasks]);
    producer = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await Promise.all([worker.close(), producer.close()]);
    await removePrefix(prefix);
  });

  it('lists declared and runtime schedules with their definitions and next due times', async () => {
    const before = Date.now();
    const cleanup = await worker.queue.schedule('cleanup', 'cleanup.run', { days: 30 }, { every: 3_600_000 });
    const hourly = await producer.queue.schedule('hourly', 'report.hourly', null, { cron: '0 * * * *', queue: 'reports' });

    const listed = await producer.queue.schedules();
    expect(listed).toEqual([
      { id: 'cleanup', name: 'cleanup.run', queue: 'default', payload: { days: 30 }, every: 3_600_000, priority: 0, attempts: 1, backoff: { type: 'exponential', delay: 1_000 }, next: cleanup.next },
      {
        id: 'digest.weekly',
        name: 'digest.weekly',
        queue: 'mail',
        payload: { kind: 'weekly' },
        cron: '0 8 * * 1',
        timezone: 'Europe/Berlin',
        priority: 0,
        attempts: 1,
        backoff: { type: 'exponential', delay: 1_000 },
        next: expect.any(Number),
      },
      { id: 'hourly', name: 'report.hourly', queue: 'reports', payload: null, cron: '0 * * * *', priority: 0, attempts: 1, backoff: { type: 'exponential', delay: 1_000 }, next: hourly.next },
    ]);
    // Redis time; generous bounds against this process' clock.
    expect(cleanup.next - before).toBeGreaterThan(3_600_000 - 5_000);
    expect(cleanup.next - before).toBeLessThan(3_600_000 + 5_000);
    expect(hourly.next % 3_600_000).toBe(0);
    const weekly = new Date(listed[1].next);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(weekly)).toBe(
      'Mon 08:00',
    );
    expect(await worker.queue.schedules()).toEqual(listed);

    expect(await producer.queue.unschedule('cleanup')).toBe(true);
    expect((await worker.queue.schedules()).map((s) => s.id)).toEqual(['digest.weekly', 'hourly']);
  });
});
