import { compareEventIds } from './event-id.js';
import type { EventFollower } from './event-follower.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';

/** A function handed every event of a queue. */
export type TaskEventListener = (event: TaskEvent) => void;

/** How many recent events a channel keeps for listeners that join after their start point. */
const RECENT = 500;

/**
 * The listeners of one queue's shared follower, and the last events it
 * handed on, so that a listener joining late with a start point (waitFor's,
 * read atomically with the task) still gets what the follower had passed.
 */
export class EventChannel {
  private readonly listeners = new Set<TaskEventListener>();
  private readonly recent: TaskEvent[] = [];
  /** Id of the newest event dropped from `recent`: every later one is there or still to come. */
  private evictedUpTo: string | null = null;
  follower!: Promise<EventFollower>;

  constructor(private readonly deliver: (listener: TaskEventListener, event: TaskEvent) => void) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Hands an event to every listener (in the order they joined) and remembers it. */
  dispatch(event: TaskEvent): void {
    this.recent.push(event);
    if (this.recent.length > RECENT) this.evictedUpTo = this.recent.shift()!.eventId;
    for (const listener of this.listeners) this.deliver(listener, event);
  }

  /** Adds a listener for what the follower hands on next; returns what to remove. */
  add(listener: TaskEventListener): TaskEventListener {
    this.listeners.add(listener);
    return listener;
  }

  /**
   * Adds a listener for every event after `afterId`, given the started
   * follower: replays the recent events after it, then adds the listener in
   * the same synchronous step, so nothing is missed or repeated. Returns what
   * to remove, or null when the channel no longer holds what followed `afterId`.
   */
  join(listener: TaskEventListener, afterId: string, follower: EventFollower): TaskEventListener | null {
    const coveredAfter = this.evictedUpTo ?? follower.startedAfter;
    if (compareEventIds(afterId, coveredAfter) < 0) return null;
    for (const event of this.recent) {
      if (compareEventIds(event.eventId, afterId) > 0) this.deliver(listener, event);
    }
    // Events up to afterId the follower has yet to reach are not this listener's.
    return this.add((event) => {
      if (compareEventIds(event.eventId, afterId) > 0) listener(event);
    });
  }

  remove(listener: TaskEventListener): void {
    this.listeners.delete(listener);
  }
}
