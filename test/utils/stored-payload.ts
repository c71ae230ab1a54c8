import type { Redis } from 'ioredis';
import { PAYLOAD_PART_FIELDS, RECORD } from '../../lib/redis/protocol.js';
import type { QueueKeys } from '../../lib/redis/queue-keys.js';

// Tests that damage a stored task (as an eviction or a hand edit would) reach
// its payload wherever it is: in its record's parts or in its own key.

/** Removes a task's payload from Redis, leaving the rest of its record. */
export async function deleteStoredPayload(redis: Redis, keys: QueueKeys, id: string): Promise<void> {
  await redis.multi().hdel(keys.task(id), ...PAYLOAD_PART_FIELDS).del(keys.payload(id)).exec();
}

/** Replaces a task's stored payload with `text` (up to 64 bytes, so it fits in one part), JSON or not. */
export async function overwriteStoredPayload(redis: Redis, keys: QueueKeys, id: string, text: string): Promise<void> {
  if (Buffer.byteLength(text) > 64) throw new Error('overwriteStoredPayload: text over 64 bytes');
  await redis.multi().hdel(keys.task(id), ...PAYLOAD_PART_FIELDS).del(keys.payload(id)).hset(keys.task(id), RECORD.payloadPart1, text).exec();
}
