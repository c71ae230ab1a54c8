import type { TaskEvent } from '../interfaces/task-event.interface.js';
import type { FetchReply, FetchRequest } from './attempt.js';

/** Reads one queue's event stream on a connection of its own (a read may block it). */
export interface EventReader {
  /**
   * Events after `afterId`, waiting up to `blockMs` for the first (none on
   * timeout), and the id to read after next time. Rejects once closed.
   */
  read(afterId: string, blockMs: number): Promise<{ events: TaskEvent[]; lastId: string }>;
  close(): void;
}

/**
 * An idle worker's wait for news on a queue (a task added, another worker
 * passing a wake-up on, a poke), and the fetch that follows it, as one call.
 */
export interface QueueWaker {
  /**
   * Waits for news or `timeoutMs`, then fetches as TaskEngine.fetch does and
   * returns its reply. Rejects once closed.
   */
  fetchAfterNews(request: FetchRequest, timeoutMs: number): Promise<FetchReply>;
  /** Ends the wait in progress now, so its fetch runs at once; with no wait in progress, the next one ends at once. */
  poke(): void;
  /** Ends a wait in progress (its fetch still runs and its reply still arrives), then closes; later calls reject. */
  close(): Promise<void>;
}
