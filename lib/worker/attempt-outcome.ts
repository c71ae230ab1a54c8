import { MAX_DELAY_MS } from '../config/option-ranges.js';
import type { AttemptOutcome, FetchedTask } from '../engine/attempt.js';
import { decideRetry } from '../policies/retry-policy.js';
import type { RunOutcome } from './task-runner.js';

/**
 * How an attempt ended, as the store records it: a failure becomes a retry
 * (with its backoff) or dead. Delays are capped at MAX_DELAY_MS: an
 * exponential backoff or a handler's retryAfterMs can grow past what a due
 * time can hold.
 */
export function attemptOutcome(task: FetchedTask, outcome: RunOutcome): AttemptOutcome {
  const { lease } = task;
  if (outcome.kind === 'completed') return { lease, kind: 'completed', resultJson: outcome.resultJson };
  if (outcome.kind === 'limited') return { lease, kind: 'limited', error: outcome.error, delayMs: Math.min(outcome.delayMs, MAX_DELAY_MS) };
  const then = decideRetry(task.attempt, task.maxAttempts, task.backoff, outcome.permanent);
  return { lease, kind: 'failed', error: outcome.error, then: then.action === 'retry' ? { action: 'retry', delayMs: Math.min(then.delayMs, MAX_DELAY_MS) } : then };
}
