import type { RedisClient } from './redis-client.js';
import type { EventReader } from '../engine/event-reader.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import { decodeEvent } from './event.codec.js';
import type { RedisConnections } from './redis-connections.js';

/** Most events one read returns. */
const READ_COUNT = 500;

/** Reads one queue's event stream on a dedicated connection (XREAD blocks it). */
export class EventStreamReader implements EventReader {
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly queue: string,
    private readonly owner: RedisConnections,
  ) {}

  async read(afterId: string, blockMs: number): Promise<{ events: TaskEvent[]; lastId: string }> {
    const reply = (await this.client.xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', this.key, afterId)) as
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
