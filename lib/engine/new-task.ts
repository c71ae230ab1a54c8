import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';

/** A validated task, ready to store: every policy field resolved, nothing encoded for a store. */
export interface NewTask {
  /** The caller's idempotency key, or one the producer generated before the call left the process. */
  id: string;
  name: string;
  /** The payload's JSON text (checked against maxPayloadBytes before it got here). */
  payloadJson: string;
  priority: number;
  delayMs: number;
  /** Absolute due time in epoch ms, or null. */
  runAt: number | null;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  /** 0 = no limit. */
  timeoutMs: number;
  /** Ids (in the same queue) that must complete first. */
  dependsOn: readonly string[];
  dependencyFailure: 'dead' | 'run';
  /** This task's retention once completed, over the module's; null: the module's. */
  removeOnComplete: RetentionOverride | null;
  /** This task's retention once dead, over the module's; null: the module's. */
  removeOnDead: RetentionOverride | null;
}

/** A task and the queue it goes to. */
export interface QueuedTask {
  queue: string;
  task: NewTask;
}

/** The error of the items of a batch refused because of another item of it. */
export const REFUSED_WITH_BATCH = 'not added: another task of the same batch was refused';

/** Result of adding one task. */
export interface AddResult {
  ref: TaskRef;
  /** false when a task with that id already existed (nothing was added). */
  created: boolean;
  /** Why the task could not be added (nothing was written for it), e.g. a missing dependency. */
  error?: string;
}
