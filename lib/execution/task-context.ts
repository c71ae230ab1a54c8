import type { TaskProgress } from '../interfaces/task-info.interface.js';
import type { LazyAbort } from './lazy-abort.js';

/** What a TaskContext reaches Redis through, for its running attempt. */
export interface TaskContextIo {
  progress(json: string): Promise<void>;
  dependencies(): Promise<Record<string, unknown>>;
}

/** What a handler knows about the task it runs; its second argument. */
export class TaskContext {
  constructor(
    /** Task id. */
    readonly id: string,
    /** Task name. */
    readonly name: string,
    /** Queue the task is in. */
    readonly queue: string,
    /** This attempt, 1-based. */
    readonly attempt: number,
    /** Attempts allowed in all. */
    readonly maxAttempts: number,
    private readonly abort: LazyAbort,
    private readonly io: TaskContextIo,
  ) {}

  /** Aborted when the attempt times out, when the worker shuts down past its grace period, or when the lease is lost. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Results of the tasks this one depended on (`dependsOn`), by task id. */
  dependencies<R = unknown>(): Promise<Record<string, R>> {
    return this.io.dependencies() as Promise<Record<string, R>>;
  }

  /** Records progress (a number or a JSON object), readable through `TaskQueue.get`. */
  async progress(value: TaskProgress): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined || (typeof value !== 'number' && (value === null || typeof value !== 'object'))) {
      throw new TypeError(`task ${this.name}: progress must be a number or a JSON object`);
    }
    await this.io.progress(json);
  }
}
