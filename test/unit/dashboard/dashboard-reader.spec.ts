import { DashboardReader } from '../../../lib/dashboard/dashboard-reader.js';
import type { ScheduleInfo, TaskQueue } from '../../../lib/index.js';

// The schedules page reads each schedule's latest occurrence by its queue. A
// schedule saved by 0.1.0 on a queue whose name holds ':' (refused since, and
// no longer fired) has none to read: the page lists it rather than failing.

describe('DashboardReader.schedules', () => {
  it("lists a schedule on a queue whose name holds ':' without reading a latest task for it", async () => {
    const schedules: ScheduleInfo[] = [
      { id: 'legacy', name: 'report.build', queue: 'billing:default', payload: {}, every: 60_000, next: 1_700_000_060_000 },
      { id: 'current', name: 'report.build', queue: 'reports', payload: {}, every: 60_000, next: 1_700_000_060_000 },
    ];
    const read: string[] = [];
    const tasks = {
      schedules: async () => schedules,
      get: async (id: string, options: { queue: string }) => {
        if (options.queue.includes(':')) throw new Error(`get refused queue '${options.queue}'`);
        read.push(`${options.queue}/${id}`);
        return null;
      },
    } as unknown as TaskQueue;
    const views = await new DashboardReader(tasks).schedules();
    expect(views.map((v) => [v.id, v.queue, v.lastTask])).toEqual([
      ['legacy', 'billing:default', null],
      ['current', 'reports', null],
    ]);
    expect(read).toEqual(['reports/current@1700000000000']);
  });
});
