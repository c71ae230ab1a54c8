import { queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import type { NewTask } from '../engine/new-task.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import type { MemoryClock } from './memory-clock.js';
import { MemoryEventReader } from './memory-event-reader.js';
import { MemoryQueue } from './memory-queue.js';
import type { MemorySchedule } from './memory-schedules.js';
import { timers } from '../timers/own-timers.js';

/** A task the store added, in the order it was added (what the test mode's `enqueued()` lists). */
export interface AddedTask {
  queue: string;
  task: NewTask;
}

/**
 * Everything the in-memory engine holds for one app: its queues, its
 * schedules, the clock it judges time by, and the log of every task added.
 * The task and schedule engines of the port share one store, as the Redis
 * engines share one Redis.
 */
export class MemoryStore {
  private readonly queues = new Map<string, MemoryQueue>();
  readonly schedules = new Map<string, MemorySchedule>();
  readonly added: AddedTask[] = [];
  /** The registry of queue names `TaskEngine.queues()` lists: enqueued to, paused, named in a heartbeat or by a schedule; obliterate removes one. */
  readonly registered = new Set<string>();
  /** Worker heartbeats by instance id, with when each stops counting as live (store time). */
  readonly workers = new Map<string, { info: Omit<WorkerInfo, 'lastSeenAt'>; lastSeenAt: number; expiresAt: number }>();
  private readonly wakeListeners = new Set<(queue: string) => void>();
  private readonly readers = new Set<MemoryEventReader>();

  constructor(readonly clock: MemoryClock, private readonly options: ResolvedTaskOptions) {}

  now(): number {
    return this.clock.now();
  }

  /** The queue's state, made on first use. */
  queue(name: string): MemoryQueue {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = new MemoryQueue(name, queueSettings(this.options, name), (q) => this.woke(q))));
    return queue;
  }

  /** Removes every schedule whose occurrences go to `queue` (obliterate). */
  forgetSchedulesOf(queue: string): void {
    for (const [id, schedule] of this.schedules) if (schedule.definition.queue === queue) this.schedules.delete(id);
  }

  /** Queues used so far, in the order they were first used. */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  /** Calls `listener` whenever a queue has news for its workers; returns what removes it. */
  onWake(listener: (queue: string) => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  /** A reader of a queue's events, tracked so `eventsDelivered` can tell when every reader has caught up. */
  openReader(name: string): MemoryEventReader {
    const reader = new MemoryEventReader(this.queue(name).events);
    this.readers.add(reader);
    return reader;
  }

  /**
   * Resolves once every open reader waits for new events, so everything
   * appended before has been read and handed on (a follower reads again only
   * after handing on what it read): what a test awaits so that `@OnTaskEvent`
   * listeners and waitFor have seen what happened. Gives up after a bounded
   * number of turns of the event loop rather than hang a test.
   */
  async eventsDelivered(): Promise<void> {
    for (let turn = 0; turn < 1_000; turn++) {
      await new Promise((resolve) => timers.setImmediate(resolve));
      for (const reader of this.readers) if (reader.isClosed) this.readers.delete(reader);
      if ([...this.readers].every((reader) => reader.waiting)) return;
    }
  }

  /** Forgets every task, event and pause (schedules and the clock stay); ids and event ids go on growing. */
  clear(): void {
    for (const queue of this.queues.values()) queue.clear();
    this.added.length = 0;
  }

  private woke(queue: string): void {
    for (const listener of this.wakeListeners) listener(queue);
  }
}
