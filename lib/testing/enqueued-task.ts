import type { NewTask } from '../engine/new-task.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { RemoveOption } from '../interfaces/retention-option.js';
import { removeOptionOf } from '../policies/removal-option.js';
import type { TaskState } from '../interfaces/task-state.js';

/** The options a task was stored with: what enqueue gave, over its handler's, its queue's and the module's defaults. */
export interface EnqueuedTaskOptions {
  priority: number;
  attempts: number;
  backoff?: BackoffOptions;
  /** Time limit per attempt in ms; absent: none. */
  timeout?: number;
  /** Present when enqueued with a delay (ms). */
  delay?: number;
  /** Present when enqueued with runAt. */
  runAt?: Date;
  dependsOn?: string[];
  dependencyFailure?: 'dead' | 'run';
  removeOnComplete?: RemoveOption;
  removeOnDead?: RemoveOption;
}

/** A task as TaskTester.enqueued() lists it. */
export interface EnqueuedTask<P = unknown> {
  id: string;
  name: string;
  queue: string;
  /** The payload as the worker gets it: after its JSON round trip. */
  payload: P;
  options: EnqueuedTaskOptions;
  /** Where it is now; null once it is gone (cancelled, or removed by retention). */
  state: TaskState | null;
}

/** The options a stored task carries, in the shape EnqueueOptions has. */
export function enqueuedOptions(task: NewTask): EnqueuedTaskOptions {
  return {
    priority: task.priority,
    attempts: task.maxAttempts,
    ...(task.backoff && { backoff: { ...task.backoff } }),
    ...(task.timeoutMs > 0 && { timeout: task.timeoutMs }),
    ...(task.delayMs > 0 && { delay: task.delayMs }),
    ...(task.runAt !== null && { runAt: new Date(task.runAt) }),
    ...(task.dependsOn.length > 0 && { dependsOn: [...task.dependsOn], dependencyFailure: task.dependencyFailure }),
    ...(task.removeOnComplete !== null && { removeOnComplete: removeOptionOf(task.removeOnComplete) }),
    ...(task.removeOnDead !== null && { removeOnDead: removeOptionOf(task.removeOnDead) }),
  };
}
