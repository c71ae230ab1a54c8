import type { RedisClient } from './redis-client.js';
import type { RedisConnections } from './redis-connections.js';
import type { QueueWaker } from '../engine/event-reader.js';

/**
 * Blocks a dedicated connection in BZPOPMIN on a queue's marker key, so an
 * idle worker costs Redis nothing until a task is added. The timeout is only
 * a safety net: due times of delayed tasks are kept by a local timer.
 */
export class BlockingQueueWaker implements QueueWaker {
  private closed = false;

  /** `markKeys`: the queue's marker, then those of the handlers the worker carries (one slot: one hash tag). */
  constructor(private readonly client: RedisClient, private readonly markKeys: readonly string[], private readonly owner: RedisConnections) {}

  async wait(timeoutMs: number): Promise<void> {
    if (this.closed) throw new Error('queue waker is closed');
    await this.client.bzpopmin(...this.markKeys, Math.max(0.01, timeoutMs / 1000));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Disconnecting rejects a BZPOPMIN in flight, which is how a blocked worker stops.
    this.owner.drop(this.client);
  }
}
