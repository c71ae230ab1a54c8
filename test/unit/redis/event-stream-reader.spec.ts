import { entryBefore } from '../../../lib/redis/event-stream-reader.js';

// XREAD reads after the id it is given; to read a grouped entry again from its
// start, the reader asks for what follows the greatest id before it.
describe('entryBefore', () => {
  it('steps back one sequence number within a millisecond', () => {
    expect(entryBefore('1700000000000-5')).toBe('1700000000000-4');
    expect(entryBefore('1700000000000-18446744073709551615')).toBe('1700000000000-18446744073709551614');
  });

  it('steps back to the largest sequence of the millisecond before at sequence 0', () => {
    expect(entryBefore('1700000000000-0')).toBe('1699999999999-18446744073709551615');
    expect(entryBefore('0-0')).toBe('0-0');
  });
});
