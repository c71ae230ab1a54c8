import type { RedisClient } from './redis-client.js';
import type { EventReader } from '../engine/event-reader.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import { decodeEvents } from './event.codec.js';
import { compareEventIds, SUB_EVENT_SEPARATOR } from '../engine/event-order.js';
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
    // After an event within a grouped entry, the read starts at that entry, and its events up to afterId are left out.
    const slash = afterId.indexOf(SUB_EVENT_SEPARATOR);
    const from = slash < 0 ? afterId : entryBefore(afterId.slice(0, slash));
    const reply = (await this.client.xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', this.key, from)) as
      | Array<[string, unknown[]]>
      | null;
    const events: TaskEvent[] = [];
    let lastId = afterId;
    for (const entry of reply?.[0]?.[1] ?? []) {
      if (Array.isArray(entry) && typeof entry[0] === 'string') lastId = entry[0];
      for (const event of decodeEvents(this.queue, entry)) {
        if (slash < 0 || compareEventIds(event.eventId, afterId) > 0) events.push(event);
      }
    }
    return { events, lastId };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.drop(this.client);
  }
}

/** The greatest stream id before `id` (`<ms>-<seq>`), so that XREAD, which reads after the id it is given, starts at `id`. */
export function entryBefore(id: string): string {
  const [ms, seq] = id.split('-');
  if (BigInt(seq) > 0n) return `${ms}-${BigInt(seq) - 1n}`;
  return BigInt(ms) > 0n ? `${BigInt(ms) - 1n}-18446744073709551615` : '0-0';
}
