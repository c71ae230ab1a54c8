import type { FetchedTask } from '../../../lib/engine/attempt.js';
import { AttemptState } from '../../../lib/execution/attempt-state.js';
import { LazyAbort } from '../../../lib/execution/lazy-abort.js';
import { SlotLedger, type Slot } from '../../../lib/worker/slot-ledger.js';

// A task can be fetched again by the worker still running its earlier
// attempt (the store took that lease back). The two attempts hold two slots,
// told apart by lease token: the end of the old one must not end the new one.

const slot = (id: string, token: string): Slot => ({
  task: { id, name: 'n', payload: null, attempt: 1, maxAttempts: 1, backoff: null, timeoutMs: 0, waitedMs: 0, enqueuedAt: 0, startedAt: 0, lease: { id, token } } as FetchedTask,
  handler: undefined,
  attempt: new AttemptState(new LazyAbort()),
});

describe('SlotLedger', () => {
  it('keeps an attempt superseded by a newer lease of its task apart, counted until it ends', () => {
    const ledger = new SlotLedger(() => 4);
    const old = slot('t1', 'w:a');
    expect(ledger.add(old)).toBeNull();
    const renewed = slot('t1', 'w:b');
    expect(ledger.add(renewed)).toBe(old);
    // Both run: both hold a slot.
    expect(ledger.free()).toBe(2);
    expect(ledger.size).toBe(2);
    expect(ledger.get('t1')).toBe(renewed);

    // The old attempt ends (abandoned): its slot goes, the new one stays and is renewed.
    ledger.drop(old.task.lease);
    expect(ledger.free()).toBe(3);
    expect(ledger.get('t1')).toBe(renewed);
    expect(ledger.leases()).toEqual([{ id: 't1', token: 'w:b' }]);
    // Had it ended with an outcome instead, the same: nothing is recorded under the old lease.
    const again = slot('t1', 'w:c');
    expect(ledger.add(again)).toBe(renewed);
    ledger.finish(renewed.task.lease);
    expect(ledger.get('t1')).toBe(again);
    expect(ledger.leases()).toEqual([{ id: 't1', token: 'w:c' }]);
    expect(ledger.free()).toBe(3);
  });

  it("does not let the old attempt's outcome end the new one's slot or its recording", () => {
    const ledger = new SlotLedger(() => 4);
    const old = slot('t1', 'w:a');
    ledger.add(old);
    ledger.finish(old.task.lease);
    const renewed = slot('t1', 'w:b');
    expect(ledger.add(renewed)).toBeNull();
    // The old outcome's settle comes back: the new lease stays this worker's.
    ledger.recorded([old.task.lease], 0);
    expect(ledger.leases()).toEqual([{ id: 't1', token: 'w:b' }]);
    ledger.finish(renewed.task.lease);
    ledger.recorded([renewed.task.lease], 0);
    expect(ledger.leases()).toEqual([]);
  });
});
