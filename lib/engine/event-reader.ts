import type { TaskEvent } from '../interfaces/task-event.interface.js';

/** Reads one queue's event stream on a connection of its own (a read may block it). */
export interface EventReader {
  /**
   * Events after `afterId`, waiting up to `blockMs` for the first (none on
   * timeout), and the id to read after next time. Rejects once closed.
   */
  read(afterId: string, blockMs: number): Promise<{ events: TaskEvent[]; lastId: string }>;
  close(): void;
}

/** Blocks until a queue has news (a task added, or another worker passing a wake-up on). */
export interface QueueWaker {
  /** Resolves on news or after timeoutMs; rejects once closed. */
  wait(timeoutMs: number): Promise<void>;
  close(): void;
}
