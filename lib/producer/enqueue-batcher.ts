import type { AddResult, QueuedTask } from '../engine/new-task.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { timers } from '../timers/own-timers.js';

interface Pending {
  item: QueuedTask;
  resolve(result: AddResult): void;
  reject(error: unknown): void;
}

/**
 * Most tasks per batch. Small enough that several batches are in flight at
 * once, so the store adds one while this process prepares the next (instead
 * of each waiting for the other), large enough that the fixed cost of a store
 * call is shared.
 */
export const ENQUEUE_BATCH_SIZE = 32;

/**
 * Coalesces the enqueue calls made close together into batches, one engine
 * call (one round trip, one script run per queue) each: an app enqueueing
 * from many concurrent requests pays per batch, not per task. The calls of
 * one event-loop turn leave at its end, cut into batches of equal size (at
 * most ENQUEUE_BATCH_SIZE): in a steady stream the callers that one answer
 * resumes make the next batch, so the sizes of the first batches persist,
 * and batches of unequal size leave the store or this process idle while the
 * other works through the larger one (50 calls in flight as 32 and 18 ran
 * 12% slower than as 25 and 25). A turn that makes twice that many calls
 * sends them as it goes, so the store starts on a long burst early. An idle
 * producer (no batch in flight, none answered in this turn) sends a call at
 * once instead: no round trip is in progress for it to share, and waiting for
 * the end of the turn only adds to its latency (11-14 µs on the benchmark's
 * machine, about a fifth of the time from the call to the socket). Each
 * caller still gets its own result, or the error of its own queue's call.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Batches sent and not answered yet. */
  private inFlight = 0;
  /** A batch was answered in this turn: its callers may be about to enqueue again, and should share a batch. */
  private answeredThisTurn = false;

  constructor(private readonly engine: TaskEngine, private readonly batchSize = ENQUEUE_BATCH_SIZE) {}

  add(item: QueuedTask): Promise<AddResult> {
    // A task with dependencies can be refused as a whole call; it goes alone so
    // it never takes other callers' tasks down with it.
    if (item.task.dependsOn.length > 0) return this.engine.add([item]).then(([result]) => result);
    return new Promise<AddResult>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= 2 * this.batchSize || (this.inFlight === 0 && !this.scheduled && !this.answeredThisTurn)) {
        this.flush();
      } else if (!this.scheduled) {
        // setImmediate, not a microtask: callers resumed by the same socket read
        // go through several promise hops before they enqueue, and should share the batch.
        this.scheduled = true;
        timers.setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /**
   * Sends the calls held for the end of this turn now. At shutdown: the app's
   * Redis connections close after its shutdown hooks, and calls made before
   * close() but held until a later turn would meet closed connections (a
   * producer-only script that enqueues without awaiting, then closes). Sent
   * now, they reach Redis ahead of the QUIT that closing sends after them.
   */
  sendPending(): void {
    this.flush();
  }

  private flush(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const batches = Math.ceil(pending.length / this.batchSize);
    if (batches === 1) return this.send(pending);
    for (let b = 0; b < batches; b++) {
      this.send(pending.slice(Math.floor((b * pending.length) / batches), Math.floor(((b + 1) * pending.length) / batches)));
    }
  }

  /**
   * One engine call per queue of the batch, all sent in this turn (so still
   * together on the wire): a queue is the unit a store call succeeds or fails
   * by (on a Cluster each queue is one node), and a caller must not get the
   * error of another caller's queue, nor an error for a task that was written.
   */
  private send(batch: Pending[]): void {
    const first = batch[0].item.queue;
    if (batch.every((p) => p.item.queue === first)) return this.sendQueue(batch);
    const byQueue = new Map<string, Pending[]>();
    for (const p of batch) {
      const group = byQueue.get(p.item.queue);
      if (group) group.push(p);
      else byQueue.set(p.item.queue, [p]);
    }
    for (const group of byQueue.values()) this.sendQueue(group);
  }

  private sendQueue(batch: Pending[]): void {
    this.inFlight++;
    this.engine.add(batch.map((p) => p.item)).then(
      (results) => {
        this.answered();
        batch.forEach((p, i) => p.resolve(results[i]));
      },
      (error: unknown) => {
        this.answered();
        batch.forEach((p) => p.reject(error));
      },
    );
  }

  private answered(): void {
    this.inFlight--;
    if (this.answeredThisTurn) return;
    this.answeredThisTurn = true;
    timers.setImmediate(() => (this.answeredThisTurn = false));
  }
}
