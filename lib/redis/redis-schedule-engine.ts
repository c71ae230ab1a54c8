import { queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import type { FireRequest, FireResult, ScheduleDefinition, ScheduleEngine, StoredSchedule } from '../engine/schedule-engine.js';
import { pipelineGrouped } from './grouped-pipeline.js';
import { QueueDirectory } from './queue-directory.js';
import { UPSERT_STATUS } from './protocol.js';
import { redacted } from './redact-error.js';
import { encodeBackoff, encodeRetention } from './record-values.js';
import type { RedisClient } from './redis-client.js';
import type { RedisConnections } from './redis-connections.js';
import { guarded } from './store-errors.js';
import { replyLayout } from './reply-layout.js';
import { scriptArgs } from './script-args.js';
import { queueScript, runScript } from './script-registry.js';
import { ScheduleDirectory } from './schedule-directory.js';
import { ScheduleKeys } from './schedule-keys.js';
import { decodeSchedule } from './schedule.codec.js';

const UPSERT = replyLayout('upsertSchedule');
const FIRE = replyLayout('fireSchedule');

/** A schedule the due-time index lists as due. */
interface DueEntry {
  queue: string;
  id: string;
  due: number;
}

/**
 * The schedules on Redis (see schedule-keys.ts for the layout and
 * lua/*-schedule.lua for the atomic steps), on the module's command connection.
 * The prefix-wide directory lives in a slot of its own, so the steps that
 * touch it and a queue's keys are ordered here rather than made atomic:
 * saving writes the directory first, removing deletes the definition first,
 * and `due` removes definitions the directory does not point at.
 */
export class RedisScheduleEngine implements ScheduleEngine {
  private readonly client: RedisClient;
  private readonly keys = new Map<string, ScheduleKeys>();

  /** The registry of queue names: a schedule's queue is listed by `TaskEngine.queues()`. */
  private readonly queueDirectory: QueueDirectory;
  /** Which queue each schedule is on. */
  private readonly directory: ScheduleDirectory;

  constructor(private readonly connections: RedisConnections, private readonly options: ResolvedTaskOptions) {
    this.client = connections.command;
    this.queueDirectory = new QueueDirectory(this.client, options.prefix);
    this.directory = new ScheduleDirectory(this.client, options.prefix);
  }

  ready(): Promise<void> {
    return this.connections.whenReady();
  }

  now(): Promise<number> {
    return guarded('reading the Redis clock', this.connections, () => this.clock(), 'reads');
  }

  generation(): Promise<string> {
    return guarded('reading the mark of what Redis holds', this.connections, () => this.directory.generation(), 'reads');
  }

  save(definition: ScheduleDefinition, firstDue: number): Promise<{ next: number; status: 'unchanged' | 'created' | 'updated' }> {
    return guarded(`saving schedule '${definition.id}'`, this.connections, () => this.upsert(definition, firstDue));
  }

  remove(id: string): Promise<boolean> {
    return guarded(`removing schedule '${id}'`, this.connections, () => this.delete(id));
  }

  list(): Promise<StoredSchedule[]> {
    return guarded('listing schedules', this.connections, () => this.readAll(), 'reads');
  }

  due(now: number, limit: number): Promise<{ due: StoredSchedule[]; upcoming: number | null; more: boolean }> {
    return guarded('reading due schedules', this.connections, () => this.readDue(now, limit), 'reads');
  }

  fire(requests: readonly FireRequest[]): Promise<FireResult[]> {
    return guarded('firing schedules', this.connections, () => this.fireAll(requests));
  }

  private async clock(): Promise<number> {
    const [seconds, micros] = await redacted(this.client.time());
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  private async upsert(s: ScheduleDefinition, firstDue: number): Promise<{ next: number; status: 'unchanged' | 'created' | 'updated' }> {
    const previous = await this.directory.queueOf(s.id);
    // Directory first: `due` ignores (and removes) definitions the directory does not point at.
    if (previous !== s.queue) await Promise.all([this.directory.set(s.id, s.queue), this.queueDirectory.register([s.queue])]);
    const keys = this.keysOf(s.queue);
    const { cron, every, timezone } = s.spec;
    const args = scriptArgs('upsertSchedule', {
      id: s.id, name: s.name, payload: s.payloadJson, cron: cron ?? '', every: every ?? '', timezone: timezone ?? '',
      maxAttempts: s.maxAttempts, backoff: encodeBackoff(s.backoff), timeoutMs: s.timeoutMs,
      removeOnComplete: encodeRetention(s.removeOnComplete), removeOnDead: encodeRetention(s.removeOnDead),
      // '' for 0: unchanged against a schedule saved by 0.1.0, which has no priority field.
      priority: s.priority === 0 ? '' : s.priority, firstDue,
      traceContext: s.traceContext ?? '',
    });
    const reply = (await redacted(runScript(this.client, 'upsertSchedule', [keys.definition(s.id), keys.due], args))) as unknown[];
    if (previous !== null && previous !== s.queue) await this.removeDefinition(previous, s.id);
    return { next: Number(reply[UPSERT.head.next]), status: UPSERT_STATUS[Number(reply[UPSERT.head.status])] };
  }

  private async delete(id: string): Promise<boolean> {
    const queue = await this.directory.queueOf(id);
    // Definition first: once it is gone no instance fires it; a directory entry left behind by a crash here is harmless.
    const removed = queue === null ? false : await this.removeDefinition(queue, id);
    const forgotten = await this.directory.delete(id);
    return removed || forgotten;
  }

  private async readAll(): Promise<StoredSchedule[]> {
    const entries = [...(await this.directory.all())].map(([id, queue]) => ({ id, queue }));
    return (await this.read(entries)).filter((s): s is StoredSchedule => s !== null);
  }

  private async readDue(now: number, limit: number): Promise<{ due: StoredSchedule[]; upcoming: number | null; more: boolean }> {
    // As of the last change seen: an entry it no longer matches is looked up again before anything is removed.
    const directory = await this.directory.current();
    const queues = [...new Set(directory.values())];
    if (queues.length === 0) return { due: [], upcoming: null, more: false };
    const reads = queues.flatMap((queue) => [{ queue, due: true }, { queue, due: false }]);
    const replies = (await pipelineGrouped(this.client, reads, (r) => r.queue, (pipeline, { queue, due }) => {
      const key = this.keysOf(queue).due;
      if (due) pipeline.zrangebyscore(key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
      else pipeline.zrangebyscore(key, `(${now}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    })) as string[][];
    const entries: DueEntry[] = [];
    let upcoming: number | null = null;
    let more = false;
    queues.forEach((queue, i) => {
      const [dueReply, nextReply] = [replies[2 * i], replies[2 * i + 1]];
      for (let k = 0; k < dueReply.length; k += 2) entries.push({ queue, id: dueReply[k], due: Number(dueReply[k + 1]) });
      if (dueReply.length / 2 >= limit) more = true;
      if (nextReply.length === 2) upcoming = min(upcoming, Number(nextReply[1]));
    });
    await this.removeStrays(entries.filter((entry) => directory.get(entry.id) !== entry.queue));
    const listed = entries.filter((entry) => directory.get(entry.id) === entry.queue);
    const states = await this.read(listed);
    const due: StoredSchedule[] = [];
    for (const [i, entry] of listed.entries()) {
      const state = states[i];
      if (state === null) {
        // An index entry without a readable definition: nothing to fire, ever.
        await this.removeDefinition(entry.queue, entry.id);
      } else if (state.next !== entry.due) {
        upcoming = min(upcoming, state.next); // fired or changed since the index was read
      } else {
        due.push(state);
      }
    }
    return { due, upcoming, more };
  }

  private async fireAll(requests: readonly FireRequest[]): Promise<FireResult[]> {
    if (requests.length === 0) return [];
    const replies = (await pipelineGrouped(this.client, requests, (r) => r.queue, (pipeline, r) => {
      const keys = this.keysOf(r.queue);
      const args = scriptArgs('fireSchedule', {
        base: keys.queue.base, eventsMaxLen: queueSettings(this.options, r.queue).eventsMaxLen,
        id: r.id, due: r.due, revision: r.revision, nextDue: r.nextDue ?? '',
      });
      queueScript(pipeline, 'fireSchedule', [...keys.queue.scriptKeys, keys.definition(r.id), keys.due], args);
    })) as unknown[][];
    const results = replies.map((reply): FireResult => (Number(reply[FIRE.head.fired]) !== 1 ? null : Number(reply[FIRE.head.added]) === 1 ? 'added' : 'existed'));
    // The last occurrence of a schedule that has no more: the script removed its definition.
    for (const [i, r] of requests.entries()) if (results[i] !== null && r.nextDue === null) await this.directory.delete(r.id);
    return results;
  }

  private keysOf(queue: string): ScheduleKeys {
    let keys = this.keys.get(queue);
    if (!keys) this.keys.set(queue, (keys = new ScheduleKeys(this.options.prefix, queue)));
    return keys;
  }

  /** Deletes a definition and its due-time entry; false when there was no definition. */
  private async removeDefinition(queue: string, id: string): Promise<boolean> {
    const keys = this.keysOf(queue);
    return Number(await redacted(runScript(this.client, 'removeSchedule', [keys.definition(id), keys.due], scriptArgs('removeSchedule', { id })))) === 1;
  }

  /** Definitions the directory does not point at (an interrupted move or remove) are removed, after a fresh look. */
  private async removeStrays(strays: readonly DueEntry[]): Promise<void> {
    for (const entry of strays) {
      if ((await this.directory.queueOf(entry.id)) !== entry.queue) await this.removeDefinition(entry.queue, entry.id);
    }
  }

  /** Reads definitions in one round trip; null for one that does not exist (or is unreadable). */
  private async read(entries: ReadonlyArray<{ queue: string; id: string }>): Promise<Array<StoredSchedule | null>> {
    if (entries.length === 0) return [];
    const replies = (await pipelineGrouped(this.client, entries, (e) => e.queue, (pipeline, { queue, id }) =>
      pipeline.hgetall(this.keysOf(queue).definition(id)),
    )) as Array<Record<string, string>>;
    return entries.map(({ queue, id }, i) => decodeSchedule(queue, id, replies[i]));
  }
}

function min(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}
