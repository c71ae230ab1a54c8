import type { Redis } from 'ioredis';
import { COMPACT_RECORD, OPTIONS_SEPARATOR, PAYLOAD_PART_FIELDS, RECORD } from '../../lib/redis/protocol.js';
import type { QueueKeys } from '../../lib/redis/queue-keys.js';

// Tests that damage a stored task (as an eviction or a hand edit would) reach
// it wherever it is: a compact record (most waiting tasks), or a record key
// with its payload in the record's parts or in its own key.

const PAYLOAD_AT = COMPACT_RECORD.indexOf('payload');

/** A task's compact record with its payload (and tail) replaced by `payload`, or null when it has none. */
async function rewriteCompactPayload(redis: Redis, keys: QueueKeys, id: string, payload: string): Promise<boolean> {
  const text = await redis.hget(keys.compactRecords, id);
  if (text === null) return false;
  const fields = text.split(OPTIONS_SEPARATOR).slice(0, PAYLOAD_AT);
  await redis.hset(keys.compactRecords, id, [...fields, payload, ''].join(OPTIONS_SEPARATOR));
  return true;
}

/** Empties one field of a task's record as a hand edit would: removed from a record key, blanked in a compact record. */
export async function clearStoredField(redis: Redis, keys: QueueKeys, id: string, field: 'name' | 'maxAttempts'): Promise<void> {
  const text = await redis.hget(keys.compactRecords, id);
  if (text === null) {
    await redis.hdel(keys.task(id), RECORD[field]);
    return;
  }
  const fields = text.split(OPTIONS_SEPARATOR);
  fields[COMPACT_RECORD.indexOf(field)] = '';
  await redis.hset(keys.compactRecords, id, fields.join(OPTIONS_SEPARATOR));
}

/** Removes a task's record, compact or not (and its payload key), leaving its place in its queue. */
export async function deleteStoredRecord(redis: Redis, keys: QueueKeys, id: string): Promise<void> {
  await redis.multi().del(keys.task(id), keys.payload(id)).hdel(keys.compactRecords, id).exec();
}

/** Removes a task's payload from Redis, leaving the rest of its record. */
export async function deleteStoredPayload(redis: Redis, keys: QueueKeys, id: string): Promise<void> {
  if (await rewriteCompactPayload(redis, keys, id, '')) return;
  await redis.multi().hdel(keys.task(id), ...PAYLOAD_PART_FIELDS).del(keys.payload(id)).exec();
}

/** Replaces a task's stored payload with `text` (up to 64 bytes, so it fits in one part), JSON or not. */
export async function overwriteStoredPayload(redis: Redis, keys: QueueKeys, id: string, text: string): Promise<void> {
  if (Buffer.byteLength(text) > 64) throw new Error('overwriteStoredPayload: text over 64 bytes');
  if (await rewriteCompactPayload(redis, keys, id, text)) return;
  await redis.multi().hdel(keys.task(id), ...PAYLOAD_PART_FIELDS).del(keys.payload(id)).hset(keys.task(id), RECORD.payloadPart1, text).exec();
}

/**
 * Rewrites a waiting task of priority 0 that this version keeps as a compact
 * record the way 0.1.0 stored every waiting task: a record key without payload
 * parts (its payload in a key of its own), in the wait set under its wait
 * score, out of the wait list. Returns that wait score.
 */
export async function storeAsVersion010(redis: Redis, keys: QueueKeys, id: string): Promise<string> {
  const text = await redis.hget(keys.compactRecords, id);
  if (text === null) throw new Error(`storeAsVersion010: task ${id} has no compact record`);
  const c = text.split(OPTIONS_SEPARATOR);
  const at = (field: (typeof COMPACT_RECORD)[number]) => COMPACT_RECORD.indexOf(field);
  if (c[at('extras')] !== '') throw new Error('storeAsVersion010: only tasks without extras');
  const score = String(1_000_000 * 4294967296 + Number(c[at('seq')]));
  const record: Record<string, string> = { [RECORD.name]: c[at('name')], [RECORD.state]: 'w', [RECORD.waitScore]: score, [RECORD.maxAttempts]: c[at('maxAttempts')], [RECORD.enqueuedAt]: c[at('enqueuedAt')] };
  if (c[at('backoff')] !== '') record[RECORD.backoff] = c[at('backoff')];
  const payload = c[at('payload')] + c.slice(at('payloadTail')).join(OPTIONS_SEPARATOR);
  const moved = await redis.multi().hdel(keys.compactRecords, id).lrem(keys.waitList, 0, id).hset(keys.task(id), record).set(keys.payload(id), payload).zadd(keys.wait, score, id).exec();
  if (Number(moved?.[1]?.[1]) !== 1) throw new Error(`storeAsVersion010: task ${id} was not in the wait list`);
  return score;
}
