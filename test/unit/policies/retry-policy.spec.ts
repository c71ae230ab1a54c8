import { decideRetry } from '../../../lib/policies/retry-policy.js';

const exponential = { type: 'exponential' as const, delay: 1000 };

describe('decideRetry', () => {
  it('sends a permanent failure to dead even with attempts left', () => {
    expect(decideRetry(1, 5, exponential, true)).toEqual({ action: 'dead' });
  });

  it('sends the last attempt to dead', () => {
    expect(decideRetry(3, 3, exponential, false)).toEqual({ action: 'dead' });
  });

  it('sends a single-attempt task to dead after its first failure', () => {
    expect(decideRetry(1, 1, null, false)).toEqual({ action: 'dead' });
  });

  it('sends an attempt past the budget to dead', () => {
    expect(decideRetry(4, 3, exponential, false)).toEqual({ action: 'dead' });
  });

  it('retries with the backoff delay of the failed attempt while attempts remain', () => {
    expect(decideRetry(1, 4, exponential, false)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decideRetry(2, 4, exponential, false)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideRetry(3, 4, exponential, false)).toEqual({ action: 'retry', delayMs: 4000 });
  });

  it('retries with the capped delay when maxDelay applies', () => {
    expect(decideRetry(3, 5, { ...exponential, maxDelay: 1500 }, false)).toEqual({ action: 'retry', delayMs: 1500 });
  });

  it('retries at once without a backoff', () => {
    expect(decideRetry(1, 2, null, false)).toEqual({ action: 'retry', delayMs: 0 });
  });
});
