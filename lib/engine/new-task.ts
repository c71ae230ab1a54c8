import type { NewTask } from '../interfaces/enqueue-options.interface.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';

/** The task an engine stores: the enqueue options' resolved form. */
export type { NewTask };

/** A task and the queue it goes to. */
export interface QueuedTask {
  queue: string;
  task: NewTask;
}

/**
 * Most dependencies one task may name, and one enqueue script stores. Each
 * costs about 10 µs of Redis time in that script, during which Redis serves no
 * other client: 10,000 hold it for about 0.1 s (100,000 held it for 2 s).
 */
export const MAX_DEPENDENCIES = 10_000;

/**
 * Most dependents a task lists (TaskQueue.relations) among those enqueued after it ended, or dead on arrival:
 * such a link is for listing only, and a long-kept task every new task depends on would gain one per task.
 * (lib/redis/protocol.ts holds the same number for the scripts.)
 */
export const ENDED_DEPENDENTS_MAX = 10_000;

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
