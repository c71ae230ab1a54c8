import { byNaturalOrder } from '../../../lib/engine/natural-order.js';

describe('byNaturalOrder', () => {
  it('sorts digits as numbers, and names the collator holds equal in one order whatever order they came in', () => {
    const names = ['q10', 'q2', 'Q1', 'q01', 'q1', 'alpha'];
    const sorted = [...names].sort(byNaturalOrder);
    expect(sorted).toEqual(['alpha', 'q01', 'q1', 'Q1', 'q2', 'q10']);
    expect([...names].reverse().sort(byNaturalOrder)).toEqual(sorted);
  });
});
