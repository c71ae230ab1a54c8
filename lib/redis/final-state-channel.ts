import type { Redis } from 'ioredis';
import type { RedisConnections } from './redis-connections.js';
import type { FinalState } from './task-engine.js';

type Listener = (id: string, state: FinalState) => void;

/**
 * One lazily opened subscriber connection for all waitFor calls of this app.
 * Scripts publish a final state only for tasks someone waits for.
 */
export class FinalStateChannel {
  private subscriber: Promise<Redis> | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly gapHandlers = new Set<() => void>();

  constructor(private readonly connections: RedisConnections) {}

  /**
   * Calls `listener` for each final state published on `channel`. `onGap` runs
   * after the subscriber reconnected, when messages may have been missed.
   */
  async subscribe(channel: string, listener: Listener, onGap: () => void): Promise<() => Promise<void>> {
    const client = await this.open();
    this.gapHandlers.add(onGap);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await client.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      this.gapHandlers.delete(onGap);
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      if (client.status === 'ready') await client.unsubscribe(channel).catch(() => undefined);
    };
  }

  private open(): Promise<Redis> {
    if (!this.subscriber) {
      this.subscriber = this.connections.open('subscriber').then((client) => {
        client.on('message', (channel: string, message: string) => this.dispatch(channel, message));
        // ioredis resubscribes by itself after a reconnect; what was published
        // meanwhile is gone, so the waiters re-read their tasks.
        client.on('ready', () => this.gapHandlers.forEach((onGap) => onGap()));
        return client;
      });
      this.subscriber.catch(() => {
        this.subscriber = null;
      });
    }
    return this.subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    let parsed: { id?: unknown; s?: unknown; v?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    const id = String(parsed.id);
    const value = typeof parsed.v === 'string' ? parsed.v : '';
    const state: FinalState = parsed.s === 'c' ? { state: 'completed', resultJson: value } : { state: 'dead', errorJson: value };
    for (const listener of set) listener(id, state);
  }
}
