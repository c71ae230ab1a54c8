import type { BackoffOptions } from '../../../lib/interfaces/backoff-options.interface.js';
import { backoffDelay } from '../../../lib/policies/backoff.js';

describe('backoffDelay', () => {
  it('is 0 without a backoff', () => {
    expect(backoffDelay(null, 1)).toBe(0);
    expect(backoffDelay(null, 7)).toBe(0);
  });

  it('waits the same delay after every attempt with a fixed backoff', () => {
    const fixed: BackoffOptions = { type: 'fixed', delay: 500 };
    expect([1, 2, 3, 10].map((attempt) => backoffDelay(fixed, attempt))).toEqual([500, 500, 500, 500]);
  });

  it('waits delay * 2^(attempt-1) with an exponential backoff', () => {
    const exponential: BackoffOptions = { type: 'exponential', delay: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(exponential, attempt))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('caps an exponential delay at maxDelay', () => {
    const capped: BackoffOptions = { type: 'exponential', delay: 1000, maxDelay: 5000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(capped, attempt))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('caps a fixed delay at maxDelay too', () => {
    expect(backoffDelay({ type: 'fixed', delay: 500, maxDelay: 200 }, 1)).toBe(200);
  });

  it('honours maxDelay 0 as "no wait"', () => {
    expect(backoffDelay({ type: 'exponential', delay: 1000, maxDelay: 0 }, 3)).toBe(0);
  });

  it('is 0 for a zero base delay', () => {
    expect(backoffDelay({ type: 'exponential', delay: 0 }, 6)).toBe(0);
  });

  it('stays a finite safe integer for very late attempts', () => {
    const delay = backoffDelay({ type: 'exponential', delay: 1000 }, 5000);
    expect(Number.isSafeInteger(delay)).toBe(true);
    expect(delay).toBeGreaterThan(0);
    expect(backoffDelay({ type: 'exponential', delay: 1000, maxDelay: 60_000 }, 5000)).toBe(60_000);
  });
});
