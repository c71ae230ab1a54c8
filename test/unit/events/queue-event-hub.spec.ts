import { Logger } from '@nestjs/common';
import { compareEventIds } from '../../../lib/events/event-id.js';
import { QueueEventHub } from '../../../lib/events/queue-event-hub.js';
import type { TaskEvent } from '../../../lib/index.js';
import type { EventStreamReader } from '../../../lib/redis/event-stream-reader.js';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';

/** An in-memory stream whose readers behave like XREAD BLOCK: they wait for entries after their id, until closed. */
class FakeStream {
  readonly entries: TaskEvent[] = [];
  opened = 0;
  private wakers: Array<() => void> = [];

  append(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.entries.length + 1;
      this.entries.push({ type: 'completed', id: `t-${n}`, name: 'x', queue: 'q', at: n, eventId: `${n}-0` });
    }
    this.wakers.splice(0).forEach((wake) => wake());
  }

  engine(): TaskEngine {
    const openEventReader = async () => {
      this.opened++;
      let closed = false;
      const reader = {
        read: async (afterId: string) => {
          for (;;) {
            if (closed) throw new Error('closed');
            const events = this.entries.filter((e) => compareEventIds(e.eventId, afterId) > 0).slice(0, 100);
            if (events.length > 0) return { events, lastId: events.at(-1)!.eventId };
            await new Promise<void>((resolve) => this.wakers.push(resolve));
          }
        },
        close: () => {
          closed = true;
          this.wakers.splice(0).forEach((wake) => wake());
        },
      };
      return reader as unknown as EventStreamReader;
    };
    const lastEventId = async () => this.entries.at(-1)?.eventId ?? '0-0';
    return { openEventReader, lastEventId } as unknown as TaskEngine;
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};
const ids = (events: TaskEvent[]) => events.map((e) => e.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `t-${from + i}`);

describe('QueueEventHub', () => {
  let stream: FakeStream;
  let hub: QueueEventHub;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    stream = new FakeStream();
    hub = new QueueEventHub(stream.engine());
  });
  afterEach(async () => {
    await hub.close();
    jest.restoreAllMocks();
  });

  it('follows a queue on one connection however many listeners it has, from now on', async () => {
    stream.append(3);
    const a: TaskEvent[] = [];
    const b: TaskEvent[] = [];
    await hub.subscribe('q', (e) => a.push(e));
    await hub.subscribe('q', (e) => b.push(e));
    stream.append(2);
    await settle();
    expect(stream.opened).toBe(1);
    expect(ids(a)).toEqual(['t-4', 't-5']);
    expect(ids(b)).toEqual(['t-4', 't-5']);
  });

  it('keeps giving every listener every event when one listener throws', async () => {
    const before: TaskEvent[] = [];
    const after: TaskEvent[] = [];
    await hub.subscribe('q', (e) => before.push(e));
    await hub.subscribe('q', (e) => {
      if (e.id !== 't-3') throw new Error(`listener broke on ${e.id}`);
    });
    await hub.subscribe('q', (e) => after.push(e));
    stream.append(3);
    await settle();
    stream.append(1);
    await settle();
    expect(ids(before)).toEqual(range(1, 4));
    expect(ids(after)).toEqual(range(1, 4));
    expect(Logger.prototype.error).toHaveBeenCalledTimes(3);
  });

  it('gives a listener joining with a start point the follower has passed what it missed, once', async () => {
    await hub.subscribe('q', () => undefined);
    stream.append(5);
    await settle();
    const late: TaskEvent[] = [];
    await hub.subscribe('q', (e) => late.push(e), '2-0');
    stream.append(2);
    await settle();
    expect(ids(late)).toEqual(range(3, 7));
    expect(stream.opened).toBe(1);
  });

  it('gives a listener joining with a start point ahead of the follower nothing up to that point', async () => {
    stream.append(2);
    await hub.subscribe('q', () => undefined);
    const ahead: TaskEvent[] = [];
    await hub.subscribe('q', (e) => ahead.push(e), '4-0');
    stream.append(4);
    await settle();
    expect(ids(ahead)).toEqual(range(5, 6));
  });

  it('follows alone for a listener whose start point is older than the recent events kept', async () => {
    await hub.subscribe('q', () => undefined);
    stream.append(700);
    await settle();
    const old: TaskEvent[] = [];
    await hub.subscribe('q', (e) => old.push(e), '10-0');
    await settle();
    expect(stream.opened).toBe(2);
    expect(ids(old)).toEqual(range(11, 700));
  });

  it('stops the follower when its last listener leaves, and refuses listeners once closed', async () => {
    const leave = await hub.subscribe('q', () => undefined);
    await leave();
    await hub.subscribe('q', () => undefined);
    expect(stream.opened).toBe(2);
    await hub.close();
    await expect(hub.subscribe('q', () => undefined)).rejects.toThrow(/shutting down/);
  });
});
