import { Logger } from '@nestjs/common';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';
import { LeaseKeeper } from '../../../lib/worker/lease-keeper.js';
import { OutageReporter } from '../../../lib/worker/outage-reporter.js';
import { SlotLedger } from '../../../lib/worker/slot-ledger.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

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
    jest.setSystemTime(1_000_500);
    const second = ledger.fetchSent();
    // Within a renew interval the interval still rules.
    expect(keeper.orphanAgeMs()).toBe(1_000);
    jest.setSystemTime(1_004_000);
    // The oldest was sent 4 s ago: only leases older than that (and a margin) can be orphans.
    expect(keeper.orphanAgeMs()).toBe(4_250);
    ledger.fetchDone(first);
    expect(keeper.orphanAgeMs()).toBe(3_750);
    ledger.fetchDone(second);
    expect(keeper.orphanAgeMs()).toBe(1_000);
    expect(ledger.oldestFetchSentAt()).toBeNull();
  });
});
