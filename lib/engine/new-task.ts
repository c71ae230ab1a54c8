import type { NewTask } from '../interfaces/enqueue-options.interface.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';

/** The task an engine stores: the enqueue options' resolved form. */
export type { NewTask };

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
