import type { EventStreamReader } from '../redis/event-stream-reader.js';
import type { TaskEngine } from '../redis/task-engine.js';
import type { TaskEvent } from './task-event.interface.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Follows one queue's event stream on a connection of its own, from a given
 * position (or the newest entry), handing each event to `onEvent`. After a
 * dropped connection it goes on from the last event it saw, so nothing is
 * missed while the stream still holds it.
 */
export class EventFollower {
  private reader: EventStreamReader | null = null;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(private readonly onEvent: (event: TaskEvent) => void) {}

  /** Starts following after `afterId` (null: only events newer than now). */
  static async start(engine: TaskEngine, queue: string, afterId: string | null, onEvent: (event: TaskEvent) => void): Promise<EventFollower> {
    const follower = new EventFollower(onEvent);
    const reader = await engine.openEventReader(queue);
    follower.reader = reader;
    const start = afterId ?? (await reader.lastId());
    follower.loop = follower.run(reader, start);
    return follower;
  }

  /** Stops following and closes the connection; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.reader?.close();
    await this.loop;
  }

  private async run(reader: EventStreamReader, start: string): Promise<void> {
    let position = start;
    let pause = 0;
    while (!this.stopped) {
      try {
        const { events, lastId } = await reader.read(position, 5_000);
        position = lastId;
        pause = 0;
        for (const event of events) this.onEvent(event);
      } catch {
        if (this.stopped) return;
        pause = Math.min(2_000, pause ? pause * 2 : 100);
        await sleep(pause);
      }
    }
  }
}
