import { SCHEDULE_POLL_MS, ScheduleFirer, type FirerStore } from '../../../lib/scheduling/schedule-firer.js';
import type { ScheduleState } from '../../../lib/scheduling/schedule-definition.js';
import type { DueEntry, FireRequest } from '../../../lib/redis/redis-schedule-engine.js';

// The decisions of one firing pass, against an in-memory store: which due
// schedules it fires and with what, what it cleans up, and when it looks again.
// (The store's Redis side is covered by the e2e schedules-* specs.)

function state(queue: string, id: string, next: number, every = 1_000): ScheduleState {
  return {
    id, queue, name: 'task', payloadJson: 'null', spec: { cron: null, every, timezone: null },
    maxAttempts: 1, backoff: '', timeoutMs: 0, removeOnComplete: '', removeOnDead: '', next, revision: '1',
  };
}

class MemoryStore implements FirerStore {
  directoryMap = new Map<string, string>();
  states = new Map<string, ScheduleState>();
  fired: FireRequest[] = [];
  removed: string[] = [];
  forgotten: string[] = [];
  constructor(public clock: number) {}

  add(s: ScheduleState, indexed = true) {
    this.states.set(`${s.queue}/${s.id}`, s);
    if (indexed) this.directoryMap.set(s.id, s.queue);
  }
  async now() {
    return this.clock;
  }
  async directory() {
    return new Map(this.directoryMap);
  }
  async queueOf(id: string) {
    return this.directoryMap.get(id) ?? null;
  }
  async forget(id: string) {
    this.forgotten.push(id);
    return this.directoryMap.delete(id);
  }
  async remove(queue: string, id: string) {
    this.removed.push(`${queue}/${id}`);
    return this.states.delete(`${queue}/${id}`);
  }
  async due(queues: readonly string[], now: number, limit: number) {
    const all = [...this.states.values()].filter((s) => queues.includes(s.queue)).sort((a, b) => a.next - b.next);
    const due: DueEntry[] = [];
    for (const queue of queues) {
      due.push(...all.filter((s) => s.queue === queue && s.next <= now).slice(0, limit).map((s) => ({ queue, id: s.id, due: s.next })));
    }
    return { due, upcoming: all.find((s) => s.next > now)?.next ?? null };
  }
  async read(entries: ReadonlyArray<{ queue: string; id: string }>) {
    return entries.map(({ queue, id }) => this.states.get(`${queue}/${id}`) ?? null);
  }
  async fire(requests: readonly FireRequest[]) {
    this.fired.push(...requests);
    return requests.map(() => true);
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

  it('removes a definition the directory does not point at instead of firing it', async () => {
    const store = new MemoryStore(10_000);
    store.add(state('old', 'moved', 9_000), false); // left behind by an interrupted move to 'new'
    store.add(state('new', 'moved', 20_000));
    store.add(state('old', 'other', 50_000)); // so the pass reads queue 'old'
    await new ScheduleFirer(store, quiet).pass();
    expect(store.fired).toEqual([]);
    expect(store.removed).toEqual(['old/moved']);
  });

  it('removes an index entry whose definition is unreadable', async () => {
    const store = new MemoryStore(10_000);
    store.add(state('default', 'gone', 9_000));
    const read = store.read.bind(store);
    store.read = async (entries) => (await read(entries)).map(() => null);
    await new ScheduleFirer(store, quiet).pass();
    expect(store.fired).toEqual([]);
    expect(store.removed).toEqual(['default/gone']);
  });

  it('skips an entry fired or changed since the index was read, and looks again by its new due time', async () => {
    const store = new MemoryStore(10_000);
    store.add(state('default', 'a', 9_000));
    const read = store.read.bind(store);
    store.read = async (entries) => (await read(entries)).map((s) => s && { ...s, next: 10_100 });
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
});
