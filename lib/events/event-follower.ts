import { Logger } from '@nestjs/common';
import type { EventReader } from '../engine/event-reader.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { checkEventId } from './event-id.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import { timers } from '../timers/own-timers.js';
import { traced, untraced } from '../telemetry/untraced.js';

/**
 * Follows one queue's event stream on a connection of its own, from a given
 * position (or the newest entry), handing each event to `onEvent`. After a
 * dropped connection it goes on from the last event it saw, so nothing is
 * missed while the stream still holds it.
 */
export class EventFollower {
  private static readonly logger = new Logger('TaskModule');
  private reader: EventReader | null = null;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;

  /** Where it started: it hands on every event after this id. */
  startedAfter = '0-0';

  private constructor(
    private readonly queue: string,
    private readonly onEvent: (event: TaskEvent) => void,
  ) {}

  /** Starts following after `afterId` (null: only events newer than now); rejects on an id that is not one. */
  static async start(engine: TaskEngine, queue: string, afterId: string | null, onEvent: (event: TaskEvent) => void): Promise<EventFollower> {
    // Checked before a connection opens: Redis would refuse it on every read, and the loop would retry forever.
    if (afterId !== null) checkEventId(afterId, 'events');
    const follower = new EventFollower(queue, onEvent);
    // Asked for before anything is awaited, on the command connection, so the
    // position is read before any enqueue the caller makes after subscribing.
    const position = afterId === null ? engine.lastEventId(queue) : Promise.resolve(afterId);
    position.catch(() => undefined);
    // Its connection's handshake (a ready check, the client's name) is the library's too: not in the caller's trace.
    const reader = await untraced(() => engine.openEventReader(queue));
    follower.reader = reader;
    let start: string;
    try {
      start = await position;
    } catch (error) {
      reader.close();
      throw error;
    }
    follower.startedAfter = start;
    // Its reads are the library's own: untraced, not in the trace of the waitFor or listener that started it.
    follower.loop = untraced(() => follower.run(reader, start));
    return follower;
  }

  /** Stops following and closes the connection; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.reader?.close();
    this.wake?.();
    await this.loop;
  }

  private async run(reader: EventReader, start: string): Promise<void> {
    let position = start;
    let pause = 0;
    let refused = false;
    while (!this.stopped) {
      let events: TaskEvent[];
      try {
        const read = await reader.read(position, 5_000);
        events = read.events;
        position = read.lastId;
        pause = 0;
        if (refused) EventFollower.logger.warn(`reading the events of queue '${this.queue}' works again`);
        refused = false;
      } catch (error) {
        if (this.stopped) return;
        // A lost connection is logged by RedisConnections; an error reply (an ACL
        // without XREAD, say) is not, and would otherwise leave listeners silent.
        if (!refused && error instanceof Error && error.name === 'ReplyError') {
          refused = true;
          EventFollower.logger.warn(`reading the events of queue '${this.queue}' failed (${error.message}); retrying`);
        }
        pause = Math.min(2_000, pause ? pause * 2 : 100);
        await this.sleep(pause);
        continue;
      }
      // Outside the read's try: a consumer that throws must not pass for a
      // dropped connection, nor cost the rest of the batch (position is already past it).
      for (const event of events) {
        try {
          // Out of the untraced loop: a listener's own spans and enqueues are the app's, traced as usual.
          traced(() => this.onEvent(event));
        } catch {
          // The consumer's own error: the hub logs its listeners', rxjs reports a subscriber's.
        }
      }
    }
  }

  /** A pause that stop() cuts short, so closing never waits out a retry delay. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = timers.setTimeout(done, ms);
      function done() {
        timers.clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
