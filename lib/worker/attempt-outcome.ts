import type { AttemptOutcome, FetchedTask } from '../engine/attempt.js';
import { decideRetry } from '../policies/retry-policy.js';
import type { RunOutcome } from './task-runner.js';

/** How an attempt ended, as the store records it: a failure becomes a retry (with its backoff) or dead. */
export function attemptOutcome(task: FetchedTask, outcome: RunOutcome): AttemptOutcome {
  const { lease } = task;
  if (outcome.kind === 'completed') return { lease, kind: 'completed', resultJson: outcome.resultJson };
  if (outcome.kind === 'limited') return { lease, kind: 'limited', error: outcome.error, delayMs: outcome.delayMs };
  return { lease, kind: 'failed', error: outcome.error, then: decideRetry(task.attempt, task.maxAttempts, task.backoff, outcome.permanent) };
}
