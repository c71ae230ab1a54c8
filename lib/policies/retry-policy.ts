import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import { backoffDelay } from './backoff.js';

/** What becomes of a failed attempt. */
export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'dead' };

/** Retries while attempts remain, unless the failure is permanent. */
export function decideRetry(attempt: number, maxAttempts: number, backoff: BackoffOptions | null, permanent: boolean): RetryDecision {
  if (permanent || attempt >= maxAttempts) return { action: 'dead' };
  return { action: 'retry', delayMs: backoffDelay(backoff, attempt) };
}
