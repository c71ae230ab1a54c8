import type { Redis } from 'ioredis';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import { decodeEvent } from './event.codec.js';
import type { RedisConnections } from './redis-connections.js';

/** Reads one queue's event stream on a dedicated connection (XREAD blocks it). */
export class EventStreamReader {
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly queue: string,
    private readonly owner: RedisConnections,
  ) {}

  /**
   * Events after `afterId`, waiting up to `blockMs` for the first (none on
   * timeout), and the id to read after next time. Rejects once closed.
   */
  async read(afterId: string, blockMs: number, count = 500): Promise<{ events: TaskEvent[]; lastId: string }> {
    const reply = (await this.client.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, afterId)) as
      | Array<[string, unknown[]]>
      | null;
    const events: TaskEvent[] = [];
    let lastId = afterId;
    for (const entry of reply?.[0]?.[1] ?? []) {
      if (Array.isArray(entry) && typeof entry[0] === 'string') lastId = entry[0];
      const event = decodeEvent(this.queue, entry);
      if (event) events.push(event);
    }
    return { events, lastId };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.drop(this.client);
  }
}
