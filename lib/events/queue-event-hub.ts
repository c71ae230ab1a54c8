import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { TaskEngine } from '../engine/task-engine.js';
import { EventChannel, type TaskEventListener } from './event-channel.js';
import { EventFollower } from './event-follower.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';

/**
 * One live follower per queue, shared by waitFor, `events()` without `from`
 * and @OnTaskEvent methods: an app pays for one blocking connection per
 * followed queue, and nothing at all for queues nobody follows.
 */
export class QueueEventHub implements BeforeApplicationShutdown {
  private readonly channels = new Map<string, EventChannel>();
  /** Followers of listeners whose start point the shared one had passed too far (see subscribe). */
  private readonly own = new Set<Promise<EventFollower>>();
  private readonly logger = new Logger('TaskModule');
  private closed = false;
  private readonly deliver = (listener: TaskEventListener, event: TaskEvent) => this.guarded(listener, event);

  constructor(private readonly engine: TaskEngine) {}

  /**
   * Adds a listener: with `afterId` null, for the events from now on;
   * otherwise for every event after `afterId`, each once, even when the
   * queue's follower had already passed it (the events in between come from
   * its recent ones or, if it is too far past, from a follower of the
   * listener's own). Resolves, once following, with the unsubscribe function.
   */
  async subscribe(queue: string, listener: TaskEventListener, afterId: string | null = null): Promise<() => Promise<void>> {
    if (this.closed) throw new Error(`cannot follow the events of queue '${queue}': the app is shutting down`);
    let channel = this.channels.get(queue);
    let added: TaskEventListener | null;
    if (!channel) {
      const created = (channel = new EventChannel(this.deliver));
      created.follower = EventFollower.start(this.engine, queue, afterId, (event) => created.dispatch(event));
      created.follower.catch(() => this.channels.get(queue) === created && this.channels.delete(queue));
      this.channels.set(queue, created);
      added = created.add(listener);
    } else if (afterId === null) {
      // At once: it gets what the follower hands on next, which is no older than now.
      added = channel.add(listener);
    } else {
      const follower = await channel.follower;
      // The channel may have stopped meanwhile (its last listener left): start over.
      if (this.channels.get(queue) !== channel) return this.subscribe(queue, listener, afterId);
      added = channel.join(listener, afterId, follower);
      if (!added) return this.followAlone(queue, listener, afterId);
    }
    const subscribed = channel;
    const remove = added;
    await subscribed.follower;
    return async () => {
      subscribed.remove(remove);
      if (subscribed.size > 0 || this.channels.get(queue) !== subscribed) return;
      this.channels.delete(queue);
      await (await subscribed.follower).stop();
    };
  }

  /** Followers stop before the connections close, or they would keep retrying a closed one. */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Stops every follower; later subscribes reject. */
  async close(): Promise<void> {
    this.closed = true;
    const followers = [...[...this.channels.values()].map((c) => c.follower), ...this.own];
    this.channels.clear();
    this.own.clear();
    await Promise.all(followers.map(async (f) => (await f.catch(() => null))?.stop()));
  }

  private async followAlone(queue: string, listener: TaskEventListener, afterId: string): Promise<() => Promise<void>> {
    const follower = EventFollower.start(this.engine, queue, afterId, (event) => this.guarded(listener, event));
    this.own.add(follower);
    follower.catch(() => this.own.delete(follower));
    const started = await follower;
    return async () => {
      this.own.delete(follower);
      await started.stop();
    };
  }

  /**
   * Hands an event to one listener. One that throws is logged and costs no
   * one anything: the others still get this event, and all get the next.
   * (@OnTaskEvent listeners catch their own errors; this guards the rest.)
   */
  private guarded(listener: TaskEventListener, event: TaskEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.logger.error(`a listener of queue '${event.queue}' failed on ${event.type} of task ${event.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
