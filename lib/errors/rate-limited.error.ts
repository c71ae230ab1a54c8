/**
 * Throw from a handler when a downstream service refused for now: the task is
 * put back, delayed by `retryAfterMs`, without using an attempt.
 */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, message = `rate limited: retry in ${retryAfterMs} ms`) {
    super(message);
    this.name = 'RateLimitedError';
    // At most ten years, the longest delay of the library (MAX_DELAY_MS): a longer one could only be cut short, unsaid.
    if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0 || retryAfterMs > 315_360_000_000) {
      throw new RangeError(`RateLimitedError: retryAfterMs must be a finite number from 0 to 315360000000 (ten years), got ${retryAfterMs}`);
    }
  }
}
