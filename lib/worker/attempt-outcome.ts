import type { AttemptOutcome } from '../engine/attempt.js';
import { MAX_DELAY_MS } from '../config/option-ranges.js';
import { decideRetry } from '../policies/retry-policy.js';
import type { Slot } from './slot-ledger.js';
import type { RunOutcome } from './task-runner.js';

/**
 * How an attempt ended, as the store records it. Delays are capped at
 * MAX_DELAY_MS: an exponential backoff or a handler's retryAfterMs can grow
 * past what a due time can hold.
 */
export function attemptOutcome(slot: Slot, outcome: RunOutcome): AttemptOutcome {
  const { lease } = slot.task;
  if (outcome.kind === 'completed') return { lease, kind: 'completed', resultJson: outcome.resultJson };
  if (outcome.kind === 'limited') return { lease, kind: 'limited', error: outcome.error, delayMs: Math.min(outcome.delayMs, MAX_DELAY_MS) };
  const { attempt, maxAttempts, backoff } = slot.task;
  const then = decideRetry(attempt, maxAttempts, backoff, outcome.permanent);
  return { lease, kind: 'failed', error: outcome.error, then: then.action === 'retry' ? { action: 'retry', delayMs: Math.min(then.delayMs, MAX_DELAY_MS) } : then };
}
