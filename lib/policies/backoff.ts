import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';

/**
 * The delay before the attempt after `attempt` (1-based) failed:
 * fixed waits `delay`; exponential waits `delay * 2^(attempt-1)`; both capped by `maxDelay`.
 */
export function backoffDelay(backoff: BackoffOptions | null, attempt: number): number {
  if (!backoff) return 0;
  const raw = backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** (attempt - 1);
  const capped = backoff.maxDelay !== undefined ? Math.min(raw, backoff.maxDelay) : raw;
  return Math.min(Math.round(capped), Number.MAX_SAFE_INTEGER);
}
