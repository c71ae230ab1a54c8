import type { TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { QueueKeys } from './queue-keys.js';
import { redactRedisError, redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { leaseOf } from '../engine/lease-holder.js';
import { withoutValues } from '../engine/task-summary.js';
import { RECORD } from './protocol.js';
import { scriptArgs } from './script-args.js';
import { runScript } from './script-registry.js';
import { decodeCompactTaskInfo, decodeTaskInfo, parseJson } from './task-record.codec.js';

// The engine's read side: no state changes. Plain reads, but for the page of waiting tasks: a script, for
// one consistent snapshot of the wait list and the sets it merges in O(log n) commands.

/** The set each listable state lives in, ordered oldest first. */
const STATE_SETS: Record<Exclude<TaskState, 'active' | 'waiting'>, keyof QueueKeys> = {
  blocked: 'blocked',
  delayed: 'delayed',
  completed: 'completed',
  dead: 'dead',
};

/**
 * The record fields a task without its values (list's `values: false`) is read from: not the payload's
 * parts, the result or the progress, each of which can be large.
 */
const SUMMARY_FIELDS = [
  RECORD.name, RECORD.state, RECORD.waitScore, RECORD.attempts, RECORD.maxAttempts, RECORD.error, RECORD.enqueuedAt,
  RECORD.runAt, RECORD.startedAt, RECORD.finishedAt, RECORD.traceContext, RECORD.leaseToken,
] as const;

/** A task's record as HGETALL gives it, from an HMGET of SUMMARY_FIELDS. */
function summaryRecord(values: ReadonlyArray<string | null>): Record<string, string> {
  const record: Record<string, string> = {};
  SUMMARY_FIELDS.forEach((field, i) => {
    if (values[i] !== null) record[field] = values[i];
  });
  return record;
}

/**
 * Reads several tasks in one round trip (record, payload, pending dependencies
 * and compact record each); null for those gone. `values` false: without
 * payload, result and progress, read from a few record fields and no payload key.
 */
export async function readTasks(client: RedisClient, keys: QueueKeys, ids: readonly string[], values = true): Promise<Array<TaskInfo | null>> {
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) {
    if (values) pipeline.hgetall(keys.task(id)).get(keys.payload(id));
    else pipeline.hmget(keys.task(id), ...SUMMARY_FIELDS);
    pipeline.smembers(keys.pendingDependencies(id)).hget(keys.compactRecords, id).zscore(keys.active, id);
  }
  const replies = (await redacted(pipeline.exec())) ?? [];
  // Replies per task: the record, its payload key (with values), pending dependencies, compact record, lease expiry.
  const stride = values ? 5 : 4;
  return ids.map((id, i) => {
    const own = replies.slice(stride * i, stride * i + stride);
    const [[e1, read], [e2, payload]] = values ? own : [own[0], [null, null]];
    const [[e3, pending], [e4, compact], [e5, leaseExpiry]] = own.slice(stride - 3) as [[Error | null, string[]], [Error | null, string | null], [Error | null, string | null]];
    const error = e1 ?? e2 ?? e3 ?? e4 ?? e5;
    if (error) throw redactRedisError(error);
    const record = Array.isArray(read) ? summaryRecord(read as Array<string | null>) : (read as Record<string, string>);
    // A wait-list task has a record key or a compact record, never both.
    if (compact !== null && Object.keys(record).length === 0) {
      const decoded = decodeCompactTaskInfo(keys.queue, id, compact);
      return values || decoded === null ? decoded : withoutValues(decoded);
    }
    const decoded = decodeTaskInfo(keys.queue, id, record, values ? (payload as string | null) : null);
    const info = values || decoded === null ? decoded : withoutValues(decoded);
    if (info?.state === 'blocked') info.pendingDependencies = [...pending].sort();
    if (info?.state === 'active') {
      const lease = leaseOf(record[RECORD.leaseToken], leaseExpiry === null ? null : Number(leaseExpiry));
      if (lease) info.lease = lease;
    }
    return info;
  });
}

/** A page of tasks in one state, oldest first (waiting: in run order; active: by start); `values` as for readTasks. */
export async function listTasks(client: RedisClient, keys: QueueKeys, state: TaskState, offset: number, limit: number, values = true): Promise<TaskInfo[]> {
  let infos: Array<TaskInfo | null>;
  if (state === 'active') {
    // The active set is ordered by lease expiry, which renewals make equal:
    // read it whole (it holds only the fleet's running tasks) and order by start.
    const all = (await readTasks(client, keys, await redacted(client.zrange(keys.active, 0, -1)), values)).filter((i): i is TaskInfo => i !== null);
    all.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || (a.id < b.id ? -1 : 1));
    infos = all.slice(offset, offset + limit);
  } else if (state === 'waiting') {
    // In run order: the wait list merged with the wait set and the parked sets by wait score, read in
    // O(log n) + O(limit) commands by one script (list-waiting.lua), whatever the mix.
    const args = scriptArgs('listWaiting', { base: keys.base, offset, limit });
    infos = await readTasks(client, keys, (await redacted(runScript(client, 'listWaiting', keys.scriptKeys, args))) as string[], values);
  } else {
    infos = await readTasks(client, keys, await redacted(client.zrange(keys[STATE_SETS[state]] as string, offset, offset + limit - 1)), values);
  }
  // A task can move on between the reads; what is gone is left out.
  return infos.filter((info): info is TaskInfo => info !== null);
}

/** Results of a task's completed dependencies, by dependency id. */
export async function readDependencyResults(client: RedisClient, keys: QueueKeys, id: string): Promise<ReadonlyMap<string, unknown>> {
  // HGETALL as a flat list: as an object, a dependency named '__proto__' would be lost.
  const flat = await redacted(client.call('HGETALL', keys.dependencyResults(id))) as string[];
  const results = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) results.set(flat[i], parseJson(flat[i + 1]));
  return results;
}

/** Per id, whether its record key or compact record exists (one round trip; a queue's keys share one slot). */
export async function taskExists(client: RedisClient, keys: QueueKeys, ids: readonly string[]): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.exists(keys.task(id)).hexists(keys.compactRecords, id);
  const replies = (await redacted(pipeline.exec())) ?? [];
  return ids.map((_, i) => {
    const [[e1, record], [e2, compact]] = replies.slice(2 * i, 2 * i + 2) as [[Error | null, number], [Error | null, number]];
    if (e1 ?? e2) throw redactRedisError(e1 ?? e2);
    return Number(record) === 1 || Number(compact) === 1;
  });
}
