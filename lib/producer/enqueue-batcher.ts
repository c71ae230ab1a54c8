import type { AddResult, QueuedTask } from '../engine/new-task.js';
import type { TaskEngine } from '../engine/task-engine.js';

interface Pending {
  item: QueuedTask;
  resolve(result: AddResult): void;
  reject(error: unknown): void;
}

/**
 * Coalesces the enqueue calls made in one event-loop turn into one engine call
 * (one round trip, one script run per queue): an app enqueueing from many
 * concurrent requests pays per batch, not per task. Each caller still gets its
 * own result, or the batch's error.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];

  constructor(private readonly engine: TaskEngine) {}

  add(item: QueuedTask): Promise<AddResult> {
    // A task with dependencies can be refused as a whole call; it goes alone so
    // it never takes other callers' tasks down with it.
    if (item.task.dependsOn.length > 0) return this.engine.add([item]).then(([result]) => result);
    return new Promise<AddResult>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // setImmediate, not a microtask: callers resumed by the same socket read
      // go through several promise hops before they enqueue, and should share the batch.
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.engine.add(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i])),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
