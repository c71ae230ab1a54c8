import { MAX_CALL_VALUE_CHARS } from '../engine/call-size.js';
import { MAX_DEPENDENCIES, REFUSED_WITH_BATCH, type AddResult, type QueuedTask } from '../engine/new-task.js';
import { pipelineGrouped } from './grouped-pipeline.js';
import { ENQUEUE_REFUSED } from './protocol.js';
import type { QueueKeys } from './queue-keys.js';
import { redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { replyLayout } from './reply-layout.js';
import { enqueueRows, scriptArgs, type ArgsOf } from './script-args.js';
import { queueScript, runScript } from './script-registry.js';

/** Tasks per enqueue script call: a large batch is split so no one call holds Redis for long. */
const ADD_CHUNK = 1_000;

/** Characters of payload per enqueue script call (see MAX_CALL_VALUE_CHARS). */
export const ADD_CHUNK_CHARS = MAX_CALL_VALUE_CHARS;

const ENQUEUE = replyLayout('enqueue');
const REFUSED = replyLayout('enqueueRefused');

/**
 * The enqueue script calls of a batch: its items' indexes by queue, in order, in chunks of at most
 * ADD_CHUNK tasks, MAX_DEPENDENCIES dependencies and ADD_CHUNK_CHARS characters of payload.
 */
export function scriptCalls(items: ReadonlyArray<QueuedTask>, chunkChars = ADD_CHUNK_CHARS): Array<{ queue: string; indexes: number[] }> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const group = groups.get(item.queue);
    if (group) group.push(index);
    else groups.set(item.queue, [index]);
  });
  const calls: Array<{ queue: string; indexes: number[] }> = [];
  for (const [queue, indexes] of groups) {
    let chunk: number[] = [];
    let dependencies = 0;
    let chars = 0;
    for (const index of indexes) {
      const own = items[index].task.dependsOn.length;
      const size = items[index].task.payloadJson.length;
      if (chunk.length > 0 && (chunk.length === ADD_CHUNK || dependencies + own > MAX_DEPENDENCIES || chars + size > chunkChars)) {
        calls.push({ queue, indexes: chunk });
        chunk = [];
        dependencies = 0;
        chars = 0;
      }
      chunk.push(index);
      dependencies += own;
      chars += size;
    }
    calls.push({ queue, indexes: chunk });
  }
  return calls;
}

/**
 * Adds tasks in one round trip: one enqueue script call per queue and chunk,
 * pipelined when there are several (on a Cluster, one pipeline per queue, sent
 * at once). Each call is all or nothing on its own; for a batch split over
 * several, dependencies are checked for all of them first, so a refusal writes
 * nothing. A batch is therefore atomic per queue up to ADD_CHUNK tasks,
 * MAX_DEPENDENCIES dependencies and ADD_CHUNK_CHARS of payload, the same on a single Redis and on a
 * Cluster (each queue is one slot); a Redis failure between the calls of a
 * larger one can leave some of them written.
 */
export async function addTasks(
  client: RedisClient,
  items: ReadonlyArray<QueuedTask>,
  keysOf: (queue: string) => QueueKeys,
  head: (queue: string) => ArgsOf<'enqueue'>,
): Promise<AddResult[]> {
  const calls = scriptCalls(items);
  const argsOf = (queue: string, indexes: number[]) => scriptArgs('enqueue', head(queue), enqueueRows(indexes.map((i) => items[i].task)));
  if (calls.length > 1) {
    const refused = await missingDependency(client, items, keysOf);
    if (refused) return items.map((item, i) => ({ ref: { id: item.task.id, queue: item.queue }, created: false, error: i === refused.index ? refused.error : REFUSED_WITH_BATCH }));
  }
  let replies: unknown[];
  if (calls.length === 1) {
    const { queue, indexes } = calls[0];
    replies = [await redacted(runScript(client, 'enqueue', keysOf(queue).scriptKeys, argsOf(queue, indexes)))];
  } else {
    replies = await pipelineGrouped(client, calls, (call) => call.queue, (pipeline, { queue, indexes }) =>
      queueScript(pipeline, 'enqueue', keysOf(queue).scriptKeys, argsOf(queue, indexes)),
    );
  }
  const results: AddResult[] = new Array(items.length);
  calls.forEach(({ queue, indexes }, c) => {
    const reply = replies[c] as unknown[];
    if (reply[REFUSED.head.marker] === ENQUEUE_REFUSED) {
      const culprit = indexes[Number(reply[REFUSED.head.index]) - 1];
      const message = String(reply[REFUSED.head.message]);
      for (const itemIndex of indexes) {
        results[itemIndex] = { ref: { id: items[itemIndex].task.id, queue }, created: false, error: itemIndex === culprit ? message : REFUSED_WITH_BATCH };
      }
      return;
    }
    // The reply names only the tasks not added.
    for (const itemIndex of indexes) results[itemIndex] = { ref: { id: items[itemIndex].task.id, queue }, created: true };
    for (let at = ENQUEUE.rowFirst; at < reply.length; at += ENQUEUE.rowWidth) {
      const itemIndex = indexes[Number(reply[at + ENQUEUE.row.index]) - 1];
      const outcome = reply[at + ENQUEUE.row.result];
      const ref = { id: items[itemIndex].task.id, queue };
      results[itemIndex] = typeof outcome === 'string' ? { ref, created: false, error: outcome } : { ref, created: Number(outcome) === 1 };
    }
  });
  return results;
}

/** The first task of a batch whose dependency neither exists nor comes earlier in the batch. */
async function missingDependency(
  client: RedisClient,
  items: ReadonlyArray<QueuedTask>,
  keysOf: (queue: string) => QueueKeys,
): Promise<{ index: number; error: string } | null> {
  const checks = items.flatMap((item, index) => item.task.dependsOn.map((dep) => ({ index, queue: item.queue, dep })));
  if (checks.length === 0) return null;
  // Each item with dependencies is looked up itself too: one that exists is not added again (the script
  // returns it as it is, without looking at its dependsOn), so a re-sent batch is not refused for a
  // dependency that retention removed since, as a batch of one script call is not.
  const owners = [...new Set(checks.map((check) => check.index))].map((index) => ({ index, queue: items[index].queue, dep: items[index].task.id }));
  // A task has a record key or a compact record: EXISTS and HEXISTS for each, read in pairs.
  const probes = [...owners, ...checks].flatMap((check) => [{ check, compact: false }, { check, compact: true }]);
  const replies = await pipelineGrouped(client, probes, (p) => p.check.queue, (pipeline, { check, compact }) => {
    const keys = keysOf(check.queue);
    if (compact) pipeline.hexists(keys.compactRecords, check.dep);
    else pipeline.exists(keys.task(check.dep));
  });
  const found = (k: number) => Number(replies[2 * k]) + Number(replies[2 * k + 1]) > 0;
  const existing = new Set(owners.filter((_, k) => found(k)).map((owner) => owner.index));
  const earlier = new Map(items.map((item, index) => [`${item.queue}\n${item.task.id}`, index]));
  for (let k = 0; k < checks.length; k++) {
    const { index, queue, dep } = checks[k];
    if (existing.has(index)) continue;
    const exists = found(owners.length + k);
    const inBatch = earlier.get(`${queue}\n${dep}`);
    if (!exists && !(inBatch !== undefined && inBatch < index)) {
      return { index, error: `dependsOn: no task ${dep} in this queue (never added, cancelled, or removed by remove() or retention)` };
    }
  }
  return null;
}
