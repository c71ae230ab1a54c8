import { RecentOutcomes } from '../../../lib/worker/recent-outcomes.js';

describe('RecentOutcomes', () => {
  it('matches a lease by id and token when it started before its outcome was recorded, however long ago', () => {
    const recent = new RecentOutcomes();
    recent.add({ id: 'a', token: 'w:1' }, 1_000);
    // 60 s later, while a failover lasted: the lease started 60.5 s ago, before the record.
    expect(recent.split([{ id: 'a', token: 'w:1', ageMs: 60_500 }], 61_000)).toEqual({ finished: [{ id: 'a', token: 'w:1' }], neverReceived: [] });
    // Started after the record (the id used again for a new task): a lease of its own.
    expect(recent.split([{ id: 'a', token: 'w:1', ageMs: 10_000 }], 61_000)).toEqual({ finished: [], neverReceived: [{ id: 'a', token: 'w:1' }] });
    // Another attempt of the task: another token.
    expect(recent.split([{ id: 'a', token: 'w:2', ageMs: 60_500 }], 61_000).finished).toEqual([]);
  });

  it('forgets the oldest outcome once 65,536 newer ones are recorded', () => {
    const recent = new RecentOutcomes();
    recent.add({ id: 'old', token: 'w:1' }, 0);
    for (let i = 0; i < 65_535; i++) recent.add({ id: `t${i}`, token: 'w:1' }, 1);
    expect(recent.split([{ id: 'old', token: 'w:1', ageMs: 100 }], 10).finished).toHaveLength(1);
    recent.add({ id: 'newest', token: 'w:1' }, 2);
    expect(recent.split([{ id: 'old', token: 'w:1', ageMs: 100 }], 10).finished).toEqual([]);
    expect(recent.split([{ id: 't0', token: 'w:1', ageMs: 100 }, { id: 'newest', token: 'w:1', ageMs: 100 }], 10).finished).toHaveLength(2);
  });
});
