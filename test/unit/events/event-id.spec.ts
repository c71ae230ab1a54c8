import { checkEventId, compareEventIds } from '../../../lib/events/event-id.js';
import { InvalidTaskOptionsError } from '../../../lib/index.js';

describe('compareEventIds', () => {
  it('orders by time, then by sequence, numerically', () => {
    expect(compareEventIds('1700000000000-0', '1700000000001-0')).toBeLessThan(0);
    expect(compareEventIds('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareEventIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('5-3', '5-3')).toBe(0);
  });

  it('puts the events of a grouped entry after the entries before it, in order, the plain entry id last', () => {
    expect(compareEventIds('5-3/0', '5-2')).toBeGreaterThan(0);
    expect(compareEventIds('5-3/0', '5-3/1')).toBeLessThan(0);
    expect(compareEventIds('5-3/2', '5-3/10')).toBeLessThan(0);
    expect(compareEventIds('5-3/10', '5-3')).toBeLessThan(0);
    expect(compareEventIds('5-3', '5-3/0')).toBeGreaterThan(0);
    expect(compareEventIds('5-3/1', '5-3/1')).toBe(0);
    expect(compareEventIds('5-3/9', '5-4')).toBeLessThan(0);
  });

  it('reads a bare time as sequence 0, as Redis does', () => {
    expect(compareEventIds('5', '5-0')).toBe(0);
    expect(compareEventIds('0', '1-0')).toBeLessThan(0);
  });
});

describe('checkEventId', () => {
  it('accepts what eventId gives, and a bare time', () => {
    expect(checkEventId('1700000000000-12', 'events')).toBe('1700000000000-12');
    expect(checkEventId('0', 'events')).toBe('0');
    expect(checkEventId('1700000000000-12/3', 'events')).toBe('1700000000000-12/3');
  });

  it('rejects anything else with a clear error', () => {
    for (const bad of ['', '$', '>', 'abc', '12-', '-1', '1-2-3', '1.5-0', '5/1', '5-1/', '5-1/x', '5-1/1/2']) {
      expect(() => checkEventId(bad, 'events')).toThrow(InvalidTaskOptionsError);
    }
    expect(() => checkEventId('last', 'events')).toThrow(/events: from must be an event id like '1700000000000-0'.*got "last"/);
  });
});
