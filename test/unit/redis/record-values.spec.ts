import type { BackoffOptions } from '../../../lib/interfaces/backoff-options.interface.js';
import { decodeBackoff, decodeRetention, encodeBackoff, encodeRetention } from '../../../lib/redis/record-values.js';

describe('encodeBackoff / decodeBackoff', () => {
  it.each<[BackoffOptions | null, string]>([
    [null, ''],
    [{ type: 'fixed', delay: 0 }, 'f,0'],
    [{ type: 'fixed', delay: 250 }, 'f,250'],
    [{ type: 'exponential', delay: 1000 }, 'e,1000'],
    [{ type: 'exponential', delay: 1000, maxDelay: 60_000 }, 'e,1000,60000'],
    [{ type: 'fixed', delay: 100, maxDelay: 0 }, 'f,100,0'],
  ])('round-trips %j through %j', (backoff, encoded) => {
    expect(encodeBackoff(backoff)).toBe(encoded);
    expect(decodeBackoff(encodeBackoff(backoff))).toEqual(backoff);
  });

  it('decodes a missing or unreadable maxDelay as no cap', () => {
    expect(decodeBackoff('e,100,abc')).toEqual({ type: 'exponential', delay: 100 });
    expect(decodeBackoff('e,100,')).toEqual({ type: 'exponential', delay: 100 });
  });

  it.each(['', 'x,100', 'fixed,100', 'f', 'f,', 'f,abc', 'e,NaN', 'e,Infinity', 'garbage', ',100'])(
    'decodes the unreadable %j as no backoff',
    (text) => {
      expect(decodeBackoff(text)).toBeNull();
    },
  );
});

describe('encodeRetention / decodeRetention', () => {
  it('writes the module default as nothing, removal at once as 1, and unset limits as -1', () => {
    expect(encodeRetention(null)).toBe('');
    expect(encodeRetention('remove')).toBe('1');
    expect(encodeRetention({ age: 60_000, count: null })).toBe('60000,-1');
    expect(encodeRetention({ age: null, count: 5 })).toBe('-1,5');
  });

  it('reads back what it wrote, and anything else as the module default', () => {
    for (const value of [null, 'remove', { age: 60_000, count: null }, { age: null, count: 5 }, { age: 0, count: 0 }] as const) {
      expect(decodeRetention(encodeRetention(value))).toEqual(value);
    }
    expect(decodeRetention(undefined)).toBeNull();
    expect(decodeRetention('soon')).toBeNull();
  });
});
