import { randomBytes } from 'node:crypto';
import { redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { ScheduleKeys } from './schedule-keys.js';
import { timers } from '../timers/own-timers.js';

/**
 * Longest a firer keeps its copy of the directory without reading it again,
 * whatever the token says: a process of an earlier version changes the
 * directory without setting the token.
 */
const MAX_COPY_AGE_MS = 30_000;

/**
 * The prefix-wide directory of schedules (id -> queue; schedule-keys.ts), and
 * its revision token, set anew after every change. The firer reads the whole
 * directory only when the token changed: with thousands of schedules, reading
 * it on every pass (several a second) cost more than firing.
 */
export class ScheduleDirectory {
  private readonly key: string;
  private readonly revisionKey: string;
  private readonly generationKey: string;
  private copy: { token: string | null; entries: ReadonlyMap<string, string>; readAt: number } | null = null;

  constructor(private readonly client: RedisClient, prefix: string) {
    this.key = ScheduleKeys.directory(prefix);
    this.revisionKey = ScheduleKeys.revision(prefix);
    this.generationKey = ScheduleKeys.generation(prefix);
  }

  /** The queue a schedule is on, read now; null when it is not listed. */
  queueOf(id: string): Promise<string | null> {
    return redacted(this.client.hget(this.key, id));
  }

  /** Every schedule: id -> queue, read now. */
  async all(): Promise<Map<string, string>> {
    return new Map(Object.entries(await redacted(this.client.hgetall(this.key))));
  }

  /**
   * Every schedule, as of the last change this instance saw: read again when
   * the token changed since (one GET otherwise). The token is read first, so
   * a change made meanwhile is read now or at the next call.
   */
  async current(): Promise<ReadonlyMap<string, string>> {
    const token = await redacted(this.client.get(this.revisionKey));
    const now = timers.monotonicMs();
    if (this.copy && this.copy.token === token && now - this.copy.readAt < MAX_COPY_AGE_MS) return this.copy.entries;
    const entries = await this.all();
    this.copy = { token, entries, readAt: now };
    return entries;
  }

  async set(id: string, queue: string): Promise<void> {
    await redacted(this.client.hset(this.key, id, queue));
    await this.changed();
  }

  /** Removes a schedule's entry; whether there was one. */
  async delete(id: string): Promise<boolean> {
    const removed = (await redacted(this.client.hdel(this.key, id))) === 1;
    if (removed) await this.changed();
    return removed;
  }

  /** The mark of what the prefix holds, made now when there is none (of two makers, the first one's stays). */
  async generation(): Promise<string> {
    const found = await redacted(this.client.get(this.generationKey));
    if (found !== null) return found;
    await redacted(this.client.set(this.generationKey, randomBytes(8).toString('hex'), 'NX'));
    const made = await redacted(this.client.get(this.generationKey));
    // Only a flush between the two calls leaves none: the next read makes another.
    return made ?? '';
  }

  /** Sets a new token, after the change it marks: whoever reads it reads the change. */
  private async changed(): Promise<void> {
    await redacted(this.client.set(this.revisionKey, randomBytes(8).toString('hex')));
  }
}
