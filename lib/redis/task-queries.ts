import type { TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { QueueKeys } from './queue-keys.js';
import { redactRedisError, redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { leaseOf } from '../engine/lease-holder.js';
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
 * Reads several tasks in one round trip (record, payload, pending dependencies
 * and compact record each); null for those gone.
 */
export async function readTasks(client: RedisClient, keys: QueueKeys, ids: readonly string[]): Promise<Array<TaskInfo | null>> {
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) {
    pipeline.hgetall(keys.task(id)).get(keys.payload(id)).smembers(keys.pendingDependencies(id)).hget(keys.compactRecords, id).zscore(keys.active, id);
  }
  const replies = (await redacted(pipeline.exec())) ?? [];
  return ids.map((id, i) => {
    const [[e1, record], [e2, payload], [e3, pending], [e4, compact], [e5, leaseExpiry]] = replies.slice(5 * i, 5 * i + 5) as [
      [Error | null, Record<string, string>],
      [Error | null, string | null],
      [Error | null, string[]],
      [Error | null, string | null],
      [Error | null, string | null],
    ];
    const error = e1 ?? e2 ?? e3 ?? e4 ?? e5;
    if (error) throw redactRedisError(error);
    // A wait-list task has a record key or a compact record, never both.
    if (compact !== null && Object.keys(record).length === 0) return decodeCompactTaskInfo(keys.queue, id, compact);
    const info = decodeTaskInfo(keys.queue, id, record, payload);
    if (info?.state === 'blocked') info.pendingDependencies = [...pending].sort();
    if (info?.state === 'active') {
      const lease = leaseOf(record[RECORD.leaseToken], leaseExpiry === null ? null : Number(leaseExpiry));
      if (lease) info.lease = lease;
    }
    return info;
  });
}

/** A page of tasks in one state, oldest first (waiting: in run order; active: by start). */
export async function listTasks(client: RedisClient, keys: QueueKeys, state: TaskState, offset: number, limit: number): Promise<TaskInfo[]> {
  let infos: Array<TaskInfo | null>;
  if (state === 'active') {
    // The active set is ordered by lease expiry, which renewals make equal:
    // read it whole (it holds only the fleet's running tasks) and order by start.
    const all = (await readTasks(client, keys, await redacted(client.zrange(keys.active, 0, -1)))).filter((i): i is TaskInfo => i !== null);
    all.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || (a.id < b.id ? -1 : 1));
    infos = all.slice(offset, offset + limit);
  } else if (state === 'waiting') {
    // In run order: the wait list merged with the wait set and the parked sets by wait score, read in
    // O(log n) + O(limit) commands by one script (list-waiting.lua), whatever the mix.
    const args = scriptArgs('listWaiting', { base: keys.base, offset, limit });
    infos = await readTasks(client, keys, (await redacted(runScript(client, 'listWaiting', keys.scriptKeys, args))) as string[]);
  } else {
    infos = await readTasks(client, keys, await redacted(client.zrange(keys[STATE_SETS[state]] as string, offset, offset + limit - 1)));
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
