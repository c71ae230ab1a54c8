import { LATE_WINDOW_MS, SCHEDULE_POLL_MS, ScheduleFirer } from '../../../lib/scheduling/schedule-firer.js';
import type { FireRequest, ScheduleEngine, StoredSchedule } from '../../../lib/engine/schedule-engine.js';

// The decisions of one firing pass, against an in-memory engine: which due
// schedules it fires and with what, and when it looks again. (The Redis
// engine's side, strays and unreadable definitions included, is covered by
// test/e2e/schedule-engine.redis.spec.ts and the e2e schedules-* specs.)

function state(queue: string, id: string, next: number, every = 1_000): StoredSchedule {
  return {
    id, queue, name: 'task', payload: null, spec: { cron: null, every, timezone: null }, priority: 0,
    maxAttempts: 1, backoff: null, timeoutMs: 0, removeOnComplete: null, removeOnDead: null, next, revision: '1',
  };
}

class MemoryStore implements Pick<ScheduleEngine, 'now' | 'due' | 'fire'> {
  states: StoredSchedule[] = [];
  fired: FireRequest[] = [];
  upcomingOverride: number | null = null;
  constructor(public clock: number) {}

  add(s: StoredSchedule) {
    this.states.push(s);
  }
  async now() {
    return this.clock;
  }
  async due(now: number, limit: number) {
    const all = [...this.states].sort((a, b) => a.next - b.next);
    const queues = [...new Set(all.map((s) => s.queue))];
    const due = queues.flatMap((queue) => all.filter((s) => s.queue === queue && s.next <= now).slice(0, limit));
    const more = queues.some((queue) => all.filter((s) => s.queue === queue && s.next <= now).length >= limit);
    return { due, upcoming: this.upcomingOverride ?? all.find((s) => s.next > now)?.next ?? null, more };
  }
  async fire(requests: readonly FireRequest[]) {
    this.fired.push(...requests);
    return requests.map(() => 'added' as const);
  }
}

const quiet = { warn: jest.fn() };

describe('ScheduleFirer.pass', () => {
  beforeEach(() => quiet.warn.mockClear());

  it('looks again after the poll interval when there are no schedules', async () => {
    const store = new MemoryStore(10_000);
    expect(await new ScheduleFirer(store, quiet).pass()).toBe(SCHEDULE_POLL_MS);
    expect(store.fired).toEqual([]);
  });

  it("does not fire a schedule saved by 0.1.0 on a queue whose name holds ':', and says so once", async () => {
    const store = new MemoryStore(10_250);
    store.add(state('billing:default', 'legacy', 10_000));
    store.add(state('default', 'a', 10_000));
    const firer = new ScheduleFirer(store, quiet);
    await firer.pass();
    await firer.pass();
    expect(store.fired.map((f) => f.id)).toEqual(['a', 'a']);
    expect(quiet.warn.mock.calls).toEqual([
      [
        "schedule 'legacy' is on queue 'billing:default', whose ':' this version refuses (queue 'a:b' would be queue 'b' of the prefix " +
          "'<prefix>:a'); it does not fire: unschedule it and schedule it again on a queue without ':'",
      ],
    ]);
  });

  it('fires a due schedule with the due time and revision it read and its next grid point after now', async () => {
    const store = new MemoryStore(10_250);
    store.add(state('default', 'a', 10_000));
    store.add(state('default', 'later', 10_900));
    const delay = await new ScheduleFirer(store, quiet).pass();
    expect(store.fired).toEqual([{ queue: 'default', id: 'a', due: 10_000, revision: '1', nextDue: 11_000 }]);
    // Until the earliest due time it knows of (10,900), less time spent in the pass.
    expect(delay).toBeLessThanOrEqual(650);
    expect(delay).toBeGreaterThan(500);
  });

  it('fires an occurrence missed long ago once, moving next past now', async () => {
    const store = new MemoryStore(100_500);
    store.add(state('default', 'a', 10_000));
    await new ScheduleFirer(store, quiet).pass();
    expect(store.fired).toEqual([expect.objectContaining({ due: 10_000, nextDue: 101_000 })]);
  });

  it('fires each occurrence missed by less than the late window, one per pass with no wait, as for a schedule seen a poll late', async () => {
    const store = new MemoryStore(10_700);
    store.add(state('default', 'fast', 10_000, 200));
    const firer = new ScheduleFirer(store, quiet);
    expect(await firer.pass()).toBe(0);
    expect(store.fired).toEqual([expect.objectContaining({ due: 10_000, nextDue: 10_200 })]);
    store.states[0].next = 10_200;
    expect(await firer.pass()).toBe(0);
    expect(store.fired[1]).toMatchObject({ due: 10_200, nextDue: 10_400 });
    // Missed longer ago than the window: one catch-up, then the first occurrence after now.
    const late = new MemoryStore(10_000 + LATE_WINDOW_MS + 50);
    late.add(state('default', 'fast', 10_000, 200));
    await new ScheduleFirer(late, quiet).pass();
    expect(late.fired).toEqual([expect.objectContaining({ due: 10_000, nextDue: 10_000 + LATE_WINDOW_MS + 200 })]);
  });

  it('looks again by the earliest due time the engine reports, even one it did not fire', async () => {
    const store = new MemoryStore(10_000);
    store.upcomingOverride = 10_100;
    const delay = await new ScheduleFirer(store, quiet).pass();
    expect(store.fired).toEqual([]);
    expect(delay).toBeLessThanOrEqual(100);
  });

  it('logs a timing it cannot compute once, and does not fire it', async () => {
    const store = new MemoryStore(10_000);
    store.add({ ...state('default', 'broken', 9_000), spec: { cron: 'not a cron', every: null, timezone: null } });
    const firer = new ScheduleFirer(store, quiet);
    await firer.pass();
    await firer.pass();
    expect(store.fired).toEqual([]);
    expect(quiet.warn).toHaveBeenCalledTimes(1);
    expect(quiet.warn.mock.calls[0][0]).toContain("schedule 'broken' (queue 'default') has a timing that cannot be computed");
  });

  it('starts the next pass at once when a queue had a full batch of due schedules', async () => {
    const store = new MemoryStore(10_000);
    for (let i = 0; i < 150; i++) store.add(state('default', `s${i}`, 9_000 + i));
    expect(await new ScheduleFirer(store, quiet).pass()).toBe(0);
    expect(store.fired).toHaveLength(100);
  });

  it('reads past a full batch of schedules it skips, fires the one behind them and then waits', async () => {
    const store = new MemoryStore(10_000);
    // Skipped schedules keep their old due time, so they stay at the head of the due list.
    for (let i = 0; i < 150; i++) store.add({ ...state('default', `broken${i}`, 8_000 + i), spec: { cron: 'not a cron', every: null, timezone: null } });
    store.add(state('default', 'ok', 9_990));
    const firer = new ScheduleFirer(store, quiet);
    expect(await firer.pass()).toBe(0);
    expect(store.fired).toEqual([]);
    expect(await firer.pass()).toBeGreaterThan(0);
    expect(store.fired.map((f) => f.id)).toEqual(['ok']);
    store.states[150].next = 20_000;
    expect(await firer.pass()).toBe(SCHEDULE_POLL_MS);
    expect(store.fired).toHaveLength(1);
    expect(quiet.warn).toHaveBeenCalledTimes(150);
  });
});
