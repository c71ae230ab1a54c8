/**
 * Throw from a handler when a downstream service refused for now: the task is
 * put back, delayed by `retryAfterMs`, without using an attempt.
 */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, message = `rate limited: retry in ${retryAfterMs} ms`) {
    super(message);
    this.name = 'RateLimitedError';
    if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) throw new RangeError(`RateLimitedError: retryAfterMs must be a finite number >= 0, got ${retryAfterMs}`);
  }
}
