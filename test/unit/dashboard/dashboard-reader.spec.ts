import { DashboardReader } from '../../../lib/dashboard/dashboard-reader.js';
import type { ListOptions, ScheduleInfo, TaskInfo, TaskQueue, TaskState } from '../../../lib/index.js';

// The chart's reuse is timed on the library's monotonic clock: these specs step it with jest's fake timers.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

// The schedules page reads each schedule's latest occurrence by its queue. A
// schedule saved by 0.1.0 on a queue whose name holds ':' (refused since, and
// no longer fired) has none to read: the page lists it rather than failing.

describe('DashboardReader.schedules', () => {
  it("lists a schedule on a queue whose name holds ':' without reading a latest task for it", async () => {
    const schedules: ScheduleInfo[] = [
      { id: 'legacy', name: 'report.build', queue: 'billing:default', payload: {}, every: 60_000, priority: 0, attempts: 3, next: 1_700_000_060_000 },
      { id: 'current', name: 'report.build', queue: 'reports', payload: {}, every: 60_000, priority: 4, attempts: 3, next: 1_700_000_060_000 },
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
    const { schedules: views, total } = await new DashboardReader(tasks).schedules({ offset: 0, limit: 50 });
    expect(total).toBe(2);
    expect(views.map((v) => [v.id, v.queue, v.priority, v.lastTask])).toEqual([
      ['legacy', 'billing:default', 0, null],
      ['current', 'reports', 4, null],
    ]);
    expect(read).toEqual(['reports/current@1700000000000']);
  });
});

// A newest-first page is the oldest-first page at the other end of the state,
// reversed: read with the state's count, so no engine method is needed.

describe('DashboardReader.queuePage, newest first', () => {
  /** A TaskQueue over `total` dead tasks d0 (oldest) ... d<total-1>, with list()'s own limits. */
  const queueOf = (total: number, calls: ListOptions[] = []) =>
    ({
      counts: async () => ({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: total, paused: false }),
      queues: async () => ['q'],
      throughput: async () => [],
      workers: async () => [],
      list: async (_state: TaskState, options: ListOptions) => {
        const { offset = 0, limit = 100 } = options;
        if (limit < 1 || limit > 1000) throw new Error(`list: limit must be from 1 to 1000, got ${limit}`);
        calls.push(options);
        return Array.from({ length: total }, (_, i) => ({ id: `d${i}`, name: 'n', state: 'dead' }) as TaskInfo).slice(offset, offset + limit);
      },
    }) as unknown as TaskQueue;

  it.each([0, 1, 49, 50, 51, 99, 100, 101, 120])('pages through %i dead tasks newest first, 50 a page, without overlap or gap', async (total) => {
    const reader = new DashboardReader(queueOf(total));
    const seen: string[] = [];
    for (let offset = 0; offset < total + 50; offset += 50) {
      const page = await reader.queuePage('q', { state: 'dead', offset, limit: 50, name: null, order: 'newest' });
      expect(page.order).toBe('newest');
      expect(page.tasks.length).toBe(Math.max(0, Math.min(50, total - offset)));
      seen.push(...page.tasks.map((t) => t.id));
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `d${total - 1 - i}`));
  });

  it('reads only the rows of the page from the oldest end, and none past the end', async () => {
    const calls: ListOptions[] = [];
    const reader = new DashboardReader(queueOf(120, calls));
    await reader.queuePage('q', { state: 'dead', offset: 100, limit: 50, name: null, order: 'newest' });
    await reader.queuePage('q', { state: 'dead', offset: 0, limit: 7, name: null, order: 'newest' });
    await reader.queuePage('q', { state: 'dead', offset: 500, limit: 50, name: null, order: 'newest' });
    expect(calls).toEqual([expect.objectContaining({ offset: 0, limit: 20 }), expect.objectContaining({ offset: 113, limit: 7 })]);
  });

  it('keeps the oldest-first order when asked for it', async () => {
    const page = await new DashboardReader(queueOf(3)).queuePage('q', { state: 'dead', offset: 0, limit: 50, name: null, order: 'oldest' });
    expect(page.tasks.map((t) => t.id)).toEqual(['d0', 'd1', 'd2']);
  });
});

// The overview's chart sums every queue's per-minute counters, a script of 60
// reads per queue; its bars are minutes. It is read once per 10 s for every
// open page, not at each page's poll.

describe('DashboardReader.overview, its throughput chart', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is read once per 10 s whatever the polls, shared by concurrent ones, and again after a failed read', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const reads: string[] = [];
    let failing = false;
    const tasks = {
      queues: async () => ['a', 'b'],
      workers: async () => [],
      counts: async () => ({ blocked: 0, waiting: 1, delayed: 0, active: 0, completed: 0, dead: 0, paused: false }),
      throughput: async (queue: string) => {
        reads.push(queue);
        if (failing) throw new Error('Redis is unreachable');
        return [{ minute: 1_700_000_000_000, completed: queue === 'a' ? 2 : 3, failed: 1 }];
      },
    } as unknown as TaskQueue;
    const reader = new DashboardReader(tasks);
    const [first] = await Promise.all([reader.overview(), reader.overview()]);
    expect(first.throughput).toEqual([{ minute: 1_700_000_000_000, completed: 5, failed: 2 }]);
    expect(reads).toEqual(['a', 'b']);
    jest.advanceTimersByTime(9_000);
    await reader.overview();
    expect(reads).toEqual(['a', 'b']);
    jest.advanceTimersByTime(1_000);
    failing = true;
    await expect(reader.overview()).rejects.toThrow('Redis is unreachable');
    failing = false;
    expect((await reader.overview()).throughput).toEqual(first.throughput);
    expect(reads).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});
