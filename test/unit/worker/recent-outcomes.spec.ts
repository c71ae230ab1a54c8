import { RecentOutcomes } from '../../../lib/worker/recent-outcomes.js';

describe('RecentOutcomes', () => {
  it('matches a lease by id, token and the store time it started, however long ago it was recorded', () => {
    const recent = new RecentOutcomes();
    recent.add({ id: 'a', token: 'w:1' }, 1_000);
    expect(recent.split([{ id: 'a', token: 'w:1', startedAt: 1_000 }])).toEqual({ finished: [{ id: 'a', token: 'w:1', startedAt: 1_000 }], neverReceived: [] });
    // The same task fetched again (handed back, or its id used again for a new task): another start.
    expect(recent.split([{ id: 'a', token: 'w:1', startedAt: 61_000 }])).toEqual({ finished: [], neverReceived: [{ id: 'a', token: 'w:1', startedAt: 61_000 }] });
    // Another attempt of the task: another token.
    expect(recent.split([{ id: 'a', token: 'w:2', startedAt: 1_000 }]).finished).toEqual([]);
  });

  it('forgets the oldest outcome once 65,536 newer ones are recorded', () => {
    const recent = new RecentOutcomes();
    recent.add({ id: 'old', token: 'w:1' }, 5);
    for (let i = 0; i < 65_535; i++) recent.add({ id: `t${i}`, token: 'w:1' }, 7);
    expect(recent.split([{ id: 'old', token: 'w:1', startedAt: 5 }]).finished).toHaveLength(1);
    recent.add({ id: 'newest', token: 'w:1' }, 9);
    expect(recent.split([{ id: 'old', token: 'w:1', startedAt: 5 }]).finished).toEqual([]);
    expect(recent.split([{ id: 't0', token: 'w:1', startedAt: 7 }, { id: 'newest', token: 'w:1', startedAt: 9 }]).finished).toHaveLength(2);
  });

  it('tells apart leases whose id and token join into the same text', () => {
    const recent = new RecentOutcomes();
    recent.add({ id: 'ab', token: 'c:1' }, 3);
    const split = recent.split([{ id: 'a', token: 'bc:1', startedAt: 3 }, { id: 'ab', token: 'c:1', startedAt: 3 }]);
    expect(split).toEqual({ finished: [{ id: 'ab', token: 'c:1', startedAt: 3 }], neverReceived: [{ id: 'a', token: 'bc:1', startedAt: 3 }] });
  });

  it('finds each of many recorded leases among as many never received, in the order the store listed them', () => {
    const recent = new RecentOutcomes();
    for (let i = 0; i < 1_000; i++) recent.add({ id: `task-${i}`, token: `w:${i % 7}` }, 100 + i);
    const asked = Array.from({ length: 2_000 }, (_, i) => ({ id: `task-${i}`, token: `w:${i % 7}`, startedAt: 100 + i }));
    const { finished, neverReceived } = recent.split(asked);
    expect(finished).toEqual(asked.slice(0, 1_000));
    expect(neverReceived).toEqual(asked.slice(1_000));
  });
});
