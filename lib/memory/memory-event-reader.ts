import type { EventReader } from '../engine/event-reader.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import type { MemoryEventLog } from './memory-event-log.js';
import { timers } from '../timers/own-timers.js';

/** Most events one read returns, as on Redis. */
const READ_COUNT = 500;

/**
 * Reads a queue's in-memory events the way XREAD BLOCK reads a stream: what
 * follows `afterId`, or, when nothing does yet, the first events appended
 * within `blockMs` (real time). Closing rejects a read in progress.
 */
export class MemoryEventReader implements EventReader {
  private closed = false;
  private cancel: (() => void) | null = null;

  /** True while a read waits for new events: its caller has handled everything read before. */
  waiting = false;

  constructor(private readonly log: MemoryEventLog) {}

  async read(afterId: string, blockMs: number): Promise<{ events: TaskEvent[]; lastId: string }> {
    if (this.closed) throw new Error('event reader is closed');
    let events = this.log.after(afterId, READ_COUNT);
    if (events.length === 0) {
      await this.nextAppend(blockMs);
      events = this.log.after(afterId, READ_COUNT);
    }
    return { events, lastId: events.at(-1)?.eventId ?? afterId };
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves on the next append or after `ms`; rejects when closed meanwhile. */
  private nextAppend(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting = true;
      const done = (error?: Error) => {
        this.waiting = false;
        timers.clearTimeout(timer);
        stop();
        this.cancel = null;
        if (error) reject(error);
        else resolve();
      };
      const timer = timers.setTimeout(() => done(), ms);
      // A test that forgets app.close() should not be held open by a read.
      timer.unref();
      const stop = this.log.onAppend(() => done());
      this.cancel = () => done(new Error('event reader is closed'));
    });
  }
}
