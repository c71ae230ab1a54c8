import { RateLimitedError } from '../../../lib/index.js';

describe('RateLimitedError', () => {
  it('takes a delay from 0 to ten years, and refuses any other, saying the range', () => {
    expect(new RateLimitedError(0).retryAfterMs).toBe(0);
    expect(new RateLimitedError(315_360_000_000)).toMatchObject({ retryAfterMs: 315_360_000_000, message: 'rate limited: retry in 315360000000 ms' });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e13]) {
      expect(() => new RateLimitedError(bad)).toThrow(
        new RangeError(`RateLimitedError: retryAfterMs must be a finite number from 0 to 315360000000 (ten years), got ${bad}`),
      );
    }
  });
});
