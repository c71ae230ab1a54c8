import type { FetchedTask } from '../engine/attempt.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { TaskContextIo } from '../execution/task-context.js';
import type { TaskProgress } from '../interfaces/task-info.interface.js';
import { workerTaskFields } from './attempt-executor.js';
import type { WorkerEvents } from './worker-events.js';

/** What a running attempt's TaskContext reaches the store through; one small object per attempt, no closures. */
export class AttemptIo implements TaskContextIo {
  constructor(
    private readonly engine: TaskEngine,
    private readonly queue: string,
    private readonly task: FetchedTask,
    private readonly logMaxLines: number,
    private readonly events: WorkerEvents,
  ) {}

  async log(message: string): Promise<void> {
    // A false reply means the lease is gone: the line is dropped with the attempt.
    await this.engine.appendLog(this.queue, this.task.lease, message, this.logMaxLines);
  }

  async progress(json: string): Promise<void> {
    // Reported as the handler calls it, so it comes between 'active' and the attempt's end.
    if (this.events.wants('progress')) {
      this.events.emit({ type: 'progress', ...workerTaskFields(this.queue, this.task), progress: JSON.parse(json) as TaskProgress });
    }
    // A false reply means the lease is gone; the attempt's outcome will be discarded anyway.
    await this.engine.progress(this.queue, this.task.lease, json);
  }

  dependencies(): Promise<ReadonlyMap<string, unknown>> {
    return this.engine.dependencyResults(this.queue, this.task.id);
  }
}
