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
});
