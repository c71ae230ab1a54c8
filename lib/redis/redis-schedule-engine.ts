import type { ChainableCommander, Redis } from 'ioredis';
import { queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { redactRedisError, redacted } from './redact-error.js';
import type { RedisConnections } from './redis-connections.js';
import { defineScripts, queueScript, runScript } from './script-registry.js';
import { ScheduleKeys } from './schedule-keys.js';
import { decodeSchedule, type ScheduleState, type StoredSchedule } from '../scheduling/schedule-definition.js';

/** A schedule whose due time has come, as the queue's due-time index lists it. */
export interface DueEntry {
  queue: string;
  id: string;
  due: number;
}

/** One firing: the due time and revision read, and where the due time moves (null: the schedule ends). */
export interface FireRequest {
  queue: string;
  id: string;
  due: number;
  revision: string;
  nextDue: number | null;
}

/**
 * The schedules' Redis operations (see schedule-keys.ts for the layout and
 * lua/*-schedule.lua for the atomic ones), on the module's command connection.
 */
export class ScheduleStore {
  private readonly client: Redis;
  private readonly keys = new Map<string, ScheduleKeys>();

  constructor(connections: RedisConnections, private readonly options: ResolvedTaskOptions) {
    this.client = connections.command;
    // The engine defines the same scripts on this client; defining them again is harmless and keeps this file independent of the order providers are built in.
    defineScripts(this.client);
  }

  private keysOf(queue: string): ScheduleKeys {
    let keys = this.keys.get(queue);
    if (!keys) {
      keys = new ScheduleKeys(this.options.prefix, queue);
      this.keys.set(queue, keys);
    }
    return keys;
  }

  private get directoryKey(): string {
    return ScheduleKeys.directory(this.options.prefix);
  }

  /** Redis' clock, in epoch ms: every due time is judged by it. */
  async now(): Promise<number> {
    const [seconds, micros] = await redacted(this.client.time());
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Every schedule of the prefix: id -> queue. */
  async directory(): Promise<Map<string, string>> {
    return new Map(Object.entries(await redacted(this.client.hgetall(this.directoryKey))));
  }

  /** The queue a schedule's definition is in, or null. */
  async queueOf(id: string): Promise<string | null> {
    return redacted(this.client.hget(this.directoryKey, id));
  }

  async setQueue(id: string, queue: string): Promise<void> {
    await redacted(this.client.hset(this.directoryKey, id, queue));
  }

  async forget(id: string): Promise<boolean> {
    return (await redacted(this.client.hdel(this.directoryKey, id))) === 1;
  }

  /** Creates or updates a definition; an unchanged timing keeps its due time, a new one starts at `firstDue`. */
  async upsert(s: StoredSchedule, firstDue: number): Promise<{ next: number; status: 'unchanged' | 'created' | 'updated' }> {
    const keys = this.keysOf(s.queue);
    const { cron, every, timezone } = s.spec;
    const args = [
      s.id, s.name, s.payloadJson, cron ?? '', every ?? '', timezone ?? '',
      s.maxAttempts, s.backoff, s.timeoutMs, s.removeOnComplete, s.removeOnDead, firstDue,
    ];
    const reply = (await redacted(runScript(this.client, 'upsertSchedule', [keys.definition(s.id), keys.due], args))) as [unknown, unknown];
    const status = (['unchanged', 'created', 'updated'] as const)[Number(reply[1])];
    return { next: Number(reply[0]), status };
  }

  /** Deletes a definition and its due-time entry; false when there was no definition. */
  async remove(queue: string, id: string): Promise<boolean> {
    const keys = this.keysOf(queue);
    return Number(await redacted(runScript(this.client, 'removeSchedule', [keys.definition(id), keys.due], [id]))) === 1;
  }

  /**
   * Per queue, the schedules due at `now` (up to `limit` each, earliest first),
   * and the earliest due time after `now` among all of them (null: none).
   */
  async due(queues: readonly string[], now: number, limit: number): Promise<{ due: DueEntry[]; upcoming: number | null }> {
    const pipeline = this.client.pipeline();
    for (const queue of queues) {
      const key = this.keysOf(queue).due;
      pipeline.zrangebyscore(key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
      pipeline.zrangebyscore(key, `(${now}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    }
    const replies = await this.exec<string[]>(pipeline);
    const due: DueEntry[] = [];
    let upcoming: number | null = null;
    queues.forEach((queue, i) => {
      const [dueReply, nextReply] = [replies[2 * i], replies[2 * i + 1]];
      for (let k = 0; k < dueReply.length; k += 2) due.push({ queue, id: dueReply[k], due: Number(dueReply[k + 1]) });
      if (nextReply.length === 2 && (upcoming === null || Number(nextReply[1]) < upcoming)) upcoming = Number(nextReply[1]);
    });
    return { due, upcoming };
  }

  /** Reads definitions in one round trip; null for one that does not exist (or is unreadable). */
  async read(entries: ReadonlyArray<{ queue: string; id: string }>): Promise<Array<ScheduleState | null>> {
    if (entries.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const { queue, id } of entries) pipeline.hgetall(this.keysOf(queue).definition(id));
    const replies = await this.exec<Record<string, string>>(pipeline);
    return entries.map(({ queue, id }, i) => decodeSchedule(queue, id, replies[i]));
  }

  /** Runs fire-schedule for each request in one round trip; per request, whether this call fired it. */
  async fire(requests: readonly FireRequest[]): Promise<boolean[]> {
    if (requests.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const r of requests) {
      const keys = this.keysOf(r.queue);
      const args = [keys.queue.base, queueSettings(this.options, r.queue).eventsMaxLen, r.id, r.due, r.revision, r.nextDue ?? ''];
      queueScript(pipeline, 'fireSchedule', [...keys.queue.scriptKeys, keys.definition(r.id), keys.due], args);
    }
    const replies = await this.exec<[unknown, unknown]>(pipeline);
    return replies.map((reply) => Number(reply[0]) === 1);
  }

  private async exec<T>(pipeline: ChainableCommander): Promise<T[]> {
    const results = (await redacted(pipeline.exec())) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw redactRedisError(error);
      return reply as T;
    });
  }
}
