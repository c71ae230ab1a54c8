import { compareEventIds } from '../engine/event-order.js';
import type { TaskErrorInfo, TaskProgress } from '../interfaces/task-info.interface.js';
import type { TaskEvent, TaskEventType } from '../interfaces/task-event.interface.js';
import type { MemoryTask } from './memory-task.js';
import { parseStored } from './memory-task.js';

/** Final events of awaited tasks are kept this many deep even with a queue's events off, as on Redis. */
const AWAITED_ONLY_MAX_LEN = 1_000;

/**
 * One queue's events, as its Redis stream would hold them: ids `<ms>-<seq>`
 * that only grow (a clock moved back reuses the last ms), at most `maxLen`
 * kept (0 = events off: only the final events of awaited tasks), and readers
 * that wait for what comes after their position.
 */
export class MemoryEventLog {
  private readonly events: TaskEvent[] = [];
  private lastMs = 0;
  private lastSeq = -1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly queue: string) {}

  /** Appends an event of `task`, unless the queue's settings leave it out; `value` carries the result or progress JSON, or the error. */
  append(maxLen: number, task: MemoryTask, type: TaskEventType, now: number, attempt?: number, value?: { result?: string; error?: TaskErrorInfo; progress?: string }): void {
    const final = type === 'completed' || type === 'dead';
    if (maxLen <= 0) {
      if (!final || !task.awaited) return;
      maxLen = AWAITED_ONLY_MAX_LEN;
    }
    const eventId = this.nextId(now);
    const event: TaskEvent = { type, id: task.id, name: task.name, queue: this.queue, at: this.lastMs, eventId };
    if (attempt !== undefined) event.attempt = attempt;
    if (type === 'completed') event.result = parseStored(value?.result);
    if (value?.error) event.error = { ...value.error };
    if (type === 'progress') event.progress = parseStored(value?.progress) as TaskProgress;
    this.events.push(event);
    if (this.events.length > maxLen) this.events.splice(0, this.events.length - maxLen);
    for (const listener of [...this.listeners]) listener();
  }

  /** The final event (completed or dead) of task `id` among the newest `scan` events, if one is there. */
  finalOf(id: string, scan: number): TaskEvent | undefined {
    for (let i = this.events.length - 1; i >= 0 && i >= this.events.length - scan; i--) {
      const event = this.events[i];
      if (event.id === id && (event.type === 'completed' || event.type === 'dead')) return { ...event };
    }
    return undefined;
  }

  /** The newest event's id, '0-0' when none. */
  lastId(): string {
    return this.events.at(-1)?.eventId ?? '0-0';
  }

  /** Up to `count` events after `afterId`, oldest first. */
  after(afterId: string, count: number): TaskEvent[] {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEventIds(this.events[mid].eventId, afterId) <= 0) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low, low + count).map((event) => ({ ...event }));
  }

  /** Calls `listener` after every append; returns what removes it. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every event kept (ids go on growing). */
  clear(): void {
    this.events.length = 0;
  }

  private nextId(now: number): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else {
      this.lastSeq += 1;
    }
    return `${this.lastMs}-${this.lastSeq}`;
  }
}
