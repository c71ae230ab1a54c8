import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { TaskEngine } from '../redis/task-engine.js';
import { EventFollower } from './event-follower.js';
import type { TaskEvent } from './task-event.interface.js';

type Listener = (event: TaskEvent) => void;

interface Channel {
  listeners: Set<Listener>;
  follower: Promise<EventFollower>;
}

/**
 * One live follower per queue, shared by waitFor, `events()` without `from`
 * and @OnTaskEvent methods: an app pays for one blocking connection per
 * followed queue, and nothing at all for queues nobody follows.
 */
export class QueueEventHub implements BeforeApplicationShutdown {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly engine: TaskEngine) {}

  /**
   * Adds a listener. A follower started by this call begins after `afterId`
   * (null: after the newest event); one already running goes on where it is,
   * which is at or past that point, so the listener still misses nothing newer.
   */
  async subscribe(queue: string, listener: Listener, afterId: string | null = null): Promise<() => Promise<void>> {
    let channel = this.channels.get(queue);
    if (!channel) {
      const listeners = new Set<Listener>();
      const follower = EventFollower.start(this.engine, queue, afterId, (event) => listeners.forEach((l) => l(event)));
      channel = { listeners, follower };
      this.channels.set(queue, channel);
      follower.catch(() => this.channels.delete(queue));
    }
    channel.listeners.add(listener);
    await channel.follower;
    const subscribed = channel;
    return async () => {
      subscribed.listeners.delete(listener);
      if (subscribed.listeners.size > 0 || this.channels.get(queue) !== subscribed) return;
      this.channels.delete(queue);
      await (await subscribed.follower).stop();
    };
  }

  /** Followers stop before the connections close, or they would keep retrying a closed one. */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Stops every follower. */
  async close(): Promise<void> {
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(channels.map(async (c) => (await c.follower.catch(() => null))?.stop()));
  }
}
