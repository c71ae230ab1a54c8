import { Logger } from '@nestjs/common';
import type { FetchedTask } from '../../../lib/engine/attempt.js';
import type { RecoverResult, TaskEngine } from '../../../lib/engine/task-engine.js';
import { AttemptState } from '../../../lib/execution/attempt-state.js';
import { LazyAbort } from '../../../lib/execution/lazy-abort.js';
import { LeaseKeeper } from '../../../lib/worker/lease-keeper.js';
import { OutageReporter } from '../../../lib/worker/outage-reporter.js';
import { SlotLedger } from '../../../lib/worker/slot-ledger.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

// These specs step the worker's timers with jest's fake ones: the library's own timers follow the globals here.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

// A renew hands back leases this worker holds in the store but not in memory
// (a fetch reply lost on the way). A reply still on its way is not lost: when
// the event loop stalls, the renew timer can fire before the reply of a fetch
// that already ran is read, and the tasks in it must not be handed back (they
// would run twice under one attempt number).
describe('LeaseKeeper: the age that makes an unheld lease an orphan', () => {
  const leaseMs = 3_000;
  let ledger: SlotLedger;
  let keeper: LeaseKeeper;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
    ledger = new SlotLedger(() => 10);
    const logger = new Logger('test');
    const outage = new OutageReporter('q', logger, new WorkerEvents());
    keeper = new LeaseKeeper('q', {} as TaskEngine, leaseMs, 'w1', ledger, () => undefined, outage, logger);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('is a renew interval while no fetch is in flight', () => {
    expect(keeper.orphanAgeMs()).toBe(1_000);
  });

  it('covers every fetch still in flight, however long ago the oldest was sent', () => {
    const first = ledger.fetchSent();
    jest.advanceTimersByTime(500);
    const second = ledger.fetchSent();
    // Within a renew interval the interval still rules.
    expect(keeper.orphanAgeMs()).toBe(1_000);
    jest.advanceTimersByTime(3_500);
    // The oldest was sent 4 s ago: only leases older than that (and a margin) can be orphans.
    expect(keeper.orphanAgeMs()).toBe(4_250);
    ledger.fetchDone(first);
    expect(keeper.orphanAgeMs()).toBe(3_750);
    ledger.fetchDone(second);
    expect(keeper.orphanAgeMs()).toBe(1_000);
    expect(ledger.oldestFetchSentAt()).toBeNull();
  });
});

// A task that ran but whose outcome the store never took (the settle gave up)
// used its attempt: a renewal must not hand it back as an orphan (which
// refunds the attempt), nor keep its lease alive; recovery counts it.
describe('LeaseKeeper: leases of outcomes that were not recorded', () => {
  const leaseMs = 3_000;
  const lease = (id: string, token = `w1:${id}`) => ({ id, token });

  function keeperWith(engine: Partial<TaskEngine>) {
    const ledger = new SlotLedger(() => 10);
    const lost: Array<{ id: string; token: string }> = [];
    const logger = new Logger('test');
    const outage = new OutageReporter('q', logger, new WorkerEvents());
    const keeper = new LeaseKeeper('q', engine as TaskEngine, leaseMs, 'w1', ledger, (leases) => lost.push(...leases), outage, logger);
    return { ledger, lost, keeper };
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('sends them apart from the leases to extend, and forgets each once the store reports it gone', async () => {
    const renew = jest.fn(async () => ({ lost: ['done'], orphans: [] }));
    const { ledger, lost, keeper } = keeperWith({ renew, recover: async () => ({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 }) });
    ledger.notRecorded([lease('done'), lease('kept')]);
    keeper.start();
    await jest.advanceTimersByTimeAsync(leaseMs / 3);
    expect(renew).toHaveBeenCalledWith('q', 'w1', [], leaseMs, expect.any(Number), [lease('done'), lease('kept')]);
    expect(ledger.unrecordedLeases()).toEqual([lease('kept')]);
    expect(lost).toEqual([lease('done')]);
    keeper.stop();
  });

  it('renews before recovering after a failed renewal, so its own leases are not the ones taken back', async () => {
    const order: string[] = [];
    let down = true;
    const renew = jest.fn(async () => {
      order.push(down ? 'renew failed' : 'renew');
      if (down) throw new Error('connection is closed');
      return { lost: [], orphans: [] };
    });
    const recover = jest.fn(async () => {
      order.push(down ? 'recover failed' : 'recover');
      if (down) throw new Error('connection is closed');
      return { requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 };
    });
    const { keeper } = keeperWith({ renew, recover });
    keeper.start();
    // An outage of four renewal periods: every call fails.
    await jest.advanceTimersByTimeAsync(4_100);
    expect(order.length).toBeGreaterThan(4);
    expect(order.every((call) => call.endsWith('failed'))).toBe(true);
    const before = order.length;
    down = false;
    // At 4,500 ms the recover timer (every half lease) fires before the next renewal (5,000): it renews first.
    await jest.advanceTimersByTimeAsync(400);
    expect(order.slice(before)).toEqual(['renew', 'recover']);
    // In steady state a recovery finds a fresh renewal and runs alone: the renewals of their timer at 5,000 and 6,000, one recovery at 6,000.
    await jest.advanceTimersByTimeAsync(1_500);
    expect(order.slice(before + 2).sort()).toEqual(['recover', 'renew', 'renew']);
    keeper.stop();
  });
});

// A task still leased to this worker in the store that the worker does not
// hold is either one whose fetch reply never came (its attempt unused: handed
// back) or one it ran and recorded, whose record the store then lost, as a
// failover to a replica the settle had not reached does (its attempt used:
// left to run out, so that recovery counts it). Which one is told by what the
// worker remembers recording.
describe('LeaseKeeper: leases the store holds for this worker that it does not', () => {
  const leaseMs = 3_000;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('hands back those it never received, and leaves those it finished to recovery, as unrecorded', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const ledger = new SlotLedger(() => 10);
    // Each started at store time 500 and ended: 'ran' and 'reused' completed; 'limited' was put back by a rate limit (no attempt used).
    const recorded = [{ id: 'ran', token: 'w1:1' }, { id: 'reused', token: 'w1:1' }, { id: 'limited', token: 'w1:1' }];
    for (const lease of recorded) {
      ledger.add({ task: { id: lease.id, lease, startedAt: 500 } as FetchedTask, handler: undefined, attempt: new AttemptState(new LazyAbort()) });
      ledger.finish(lease);
    }
    ledger.recorded(recorded, 0, recorded.slice(0, 2));
    const renewals: Array<readonly unknown[]> = [];
    const renew = jest.fn(async (...args: unknown[]) => {
      renewals.push(args);
      return renewals.length > 1
        ? { lost: [], orphans: [] }
        : {
            lost: [],
            orphans: [
              { id: 'ran', token: 'w1:1', startedAt: 500 },
              { id: 'limited', token: 'w1:1', startedAt: 500 },
              { id: 'lost-reply', token: 'w1:1', startedAt: 700 },
              // Same id and token as a recorded one, but another start (fetched again, or its id used again): a lease of its own.
              { id: 'reused', token: 'w1:1', startedAt: 900 },
            ],
          };
    });
    const release = jest.fn(async (_queue: string, leases: readonly unknown[]) => leases.length);
    const logger = new Logger('test');
    const keeper = new LeaseKeeper('q', { renew, release, recover: async () => ({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 }) } as unknown as TaskEngine, leaseMs, 'w1', ledger, () => undefined, new OutageReporter('q', logger, new WorkerEvents()), logger);
    keeper.start();
    await jest.advanceTimersByTimeAsync(leaseMs / 3);
    // Each handed back under the lease reported, its start included.
    expect(release).toHaveBeenCalledWith('q', [
      { id: 'limited', token: 'w1:1', startedAt: 500 },
      { id: 'lost-reply', token: 'w1:1', startedAt: 700 },
      { id: 'reused', token: 'w1:1', startedAt: 900 },
    ]);
    expect(ledger.unrecordedLeases()).toEqual([{ id: 'ran', token: 'w1:1' }]);
    expect(warnings).toEqual([
      expect.stringMatching(/^queue 'q': 1 task\(s\) this worker finished are running again in Redis, their recorded outcome lost .+: ran$/),
      "queue 'q': handed back 3 task(s) this worker had leased but never received (a reply lost with the connection): limited, lost-reply, reused",
    ]);
    // The next renewal names it as unrecorded: not extended, not reported again.
    await jest.advanceTimersByTimeAsync(leaseMs / 3);
    expect(renewals[1][5]).toEqual([{ id: 'ran', token: 'w1:1' }]);
    keeper.stop();
  });

  it('runs one renewal at a time: a recovery that finds one out joins it instead of sending another', async () => {
    const ledger = new SlotLedger(() => 10);
    let answer!: () => void;
    const renew = jest.fn(() => new Promise<{ lost: string[]; orphans: [] }>((resolve) => (answer = () => resolve({ lost: [], orphans: [] }))));
    const logger = new Logger('test');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const keeper = new LeaseKeeper('q', { renew, recover: async () => ({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 }) } as unknown as TaskEngine, leaseMs, 'w1', ledger, () => undefined, new OutageReporter('q', logger, new WorkerEvents()), logger);
    keeper.start();
    // The renewal at 1,000 ms hangs; the ones due at 2,000 and 3,000 ms and the recoveries meanwhile join it.
    await jest.advanceTimersByTimeAsync(3_100);
    expect(renew).toHaveBeenCalledTimes(1);
    answer();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(renew).toHaveBeenCalledTimes(2);
    keeper.stop();
  });
});

// The warning of a recovery names whose leases ran out and which tasks ended dead for it.
describe('LeaseKeeper: the line of a recovery', () => {
  function warningFor(result: RecoverResult): Promise<string[]> {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const logger = new Logger('test');
    const engine = { recover: async () => result, renew: async () => ({ lost: [], orphans: [] }) } as unknown as TaskEngine;
    const keeper = new LeaseKeeper('q', engine, 3_000, 'w1', new SlotLedger(() => 10), () => undefined, new OutageReporter('q', logger, new WorkerEvents()), logger);
    keeper.start();
    return new Promise((resolve) => {
      setImmediate(() => {
        keeper.stop();
        resolve(warn.mock.calls.map((call) => String(call[0])));
        warn.mockRestore();
      });
    });
  }

  it('names several workers, and the first ten dead ids with how many more', async () => {
    const deadIds = Array.from({ length: 12 }, (_, i) => `t${i}`);
    expect(await warningFor({ requeued: 3, dead: 12, deadIds, workers: ['a.1', 'b.2'], unstarted: 0 })).toEqual([
      "queue 'q': took back 15 task(s) from workers a.1, b.2, which stopped renewing their leases (crash, hang or lost connection): " +
        '3 requeued, 12 dead, their attempts used up: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 2 more',
    ]);
  });

  it('says "a worker" when no lease named one (a record written by hand), and logs nothing when nothing was taken back', async () => {
    expect(await warningFor({ requeued: 1, dead: 0, deadIds: [], workers: [], unstarted: 0 })).toEqual([
      "queue 'q': took back 1 task(s) from a worker that stopped renewing its leases (crash, hang or lost connection): 1 requeued, 0 dead",
    ]);
    expect(await warningFor({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 })).toEqual([]);
  });

  it('says when the leases were its own, run out while its renewals could not reach Redis, not a crashed peer', async () => {
    expect(await warningFor({ requeued: 2, dead: 0, deadIds: [], workers: ['w1', 'b.2'], unstarted: 0 })).toEqual([
      "queue 'q': took back 2 task(s) from workers w1 (this worker: its renewals did not reach Redis in time), b.2, which stopped renewing their leases " +
        '(crash, hang or lost connection): 2 requeued, 0 dead',
    ]);
  });

  it('counts the tasks put back uncounted from its buffer apart from the requeued ones', async () => {
    expect(await warningFor({ requeued: 1, dead: 1, deadIds: ['t9'], workers: ['a.1'], unstarted: 60 })).toEqual([
      "queue 'q': took back 62 task(s) from worker a.1, which stopped renewing its leases (crash, hang or lost connection): " +
        '1 requeued, 1 dead, their attempts used up: t9, and 60 leased ahead into its buffer put back uncounted (they may not have started)',
    ]);
  });
});
