import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import { PAYLOAD_INLINE_PARTS, PAYLOAD_PART_BYTES, PAYLOAD_PART_FIELDS as PARTS, RECORD } from '../../lib/redis/protocol.js';
import { enqueueRows, scriptArgs } from '../../lib/redis/script-args.js';
import { runScript } from '../../lib/redis/script-registry.js';
import { useStoredQueue } from '../fixtures/stored-queue.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { keysOf } from '../utils/redis.js';
import { storeAsVersion010 } from '../utils/stored-payload.js';
import { waitUntil } from '../utils/wait.js';

// Where a payload is stored: in its task's record, as parts of at most 64
// bytes (so the record stays a listpack), up to four parts; a longer one in a
// key of its own, as 0.1.0 stored every payload. A plain task of priority 0
// waits as a compact record instead, its payload whole in it, and gets its
// record (laid out the same way) when a fetch takes it. The record tests
// below enqueue with priority 1, which writes the record at once. Whatever
// the layout, the handler, get() and the worker see the payload exactly as enqueued.

/** Written to a record key at enqueue (not a compact record). */
const RECORD_KEY = { priority: 1 };

@Injectable()
class StoredTasks {
  readonly seen = new Map<string, unknown>();

  @TaskHandler('stored.echo')
  echo(payload: { key: string }) {
    this.seen.set(payload.key, payload);
  }
}

/** A payload whose JSON is about `bytes` long, with 2-, 3- and 4-byte characters across every 64-byte cut. */
function textPayload(key: string, bytes: number): { key: string; text: string } {
  const units = ['é', '€', '😀', 'a', 'ß', '中'];
  let text = '';
  for (let i = 0; Buffer.byteLength(JSON.stringify({ key, text })) < bytes; i++) text += units[i % units.length];
  return { key, text };
}

/** A payload whose JSON is exactly `bytes` long, all ASCII. */
function exactPayload(key: string, bytes: number): { key: string; text: string } {
  const bare = Buffer.byteLength(JSON.stringify({ key, text: '' }));
  return { key, text: 'a'.repeat(bytes - bare) };
}

/**
 * A payload of at most 256 bytes that needs a fifth part: each 64-byte cut
 * falls inside a 4-byte character and backs off, so four parts hold less than 256.
 */
function fivePartPayload(key: string): { key: string; text: string } {
  for (let pad = 0; pad < 4; pad++) {
    const payload = { key, text: 'a'.repeat(pad) + '😀'.repeat(57) };
    const json = Buffer.from(JSON.stringify(payload));
    if (json.length > 256) continue;
    let from = 0;
    let parts = 0;
    while (from < json.length) {
      let to = Math.min(from + 64, json.length);
      while (to < json.length && to > from + 1 && (json[to] & 0xc0) === 0x80) to--;
      from = to;
      parts++;
    }
    if (parts > 4) return payload;
  }
  throw new Error('fivePartPayload: no padding gives a fifth part');
}

describe('payload storage', () => {
  const q = useStoredQueue('payload-store');

  it('keeps a payload of up to four parts in the record, cut on character boundaries, and a longer one in its own key', async () => {
    const small = { key: 'small', n: 1 };
    // 240: four parts hold it even when each of three cuts backs off 3 bytes.
    const sizes = [60, 65, 128, 200, 240];
    const inline = sizes.map((bytes) => textPayload(`inline-${bytes}`, bytes));
    const long = textPayload('long', 400);
    const refs = await q.producer.queue.enqueueMany([small, ...inline, long].map((payload) => ({ name: 'stored.echo', payload, options: RECORD_KEY })));

    let shortCuts = 0;
    for (const [i, payload] of [small, ...inline].entries()) {
      const id = refs[i].id;
      const record = await q.redis.hgetallBuffer(q.keys.task(id));
      const parts = PARTS.map((field) => record[field]).filter((part): part is Buffer => part !== undefined);
      const json = JSON.stringify(payload);
      // Every part fits the listpack limit and is whole UTF-8 text; together they are the JSON, byte for byte.
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(parts.length).toBeLessThanOrEqual(PAYLOAD_INLINE_PARTS);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(PAYLOAD_PART_BYTES);
        expect(Buffer.from(part.toString('utf8'), 'utf8').equals(part)).toBe(true);
      }
      expect(Buffer.concat(parts).toString('utf8')).toBe(json);
      // A part before the last shorter than the limit: its cut backed off from inside a character.
      shortCuts += parts.slice(0, -1).filter((part) => part.length < PAYLOAD_PART_BYTES).length;
      expect(await q.redis.exists(q.keys.payload(id))).toBe(0);
      expect(await q.redis.object('ENCODING', q.keys.task(id))).toBe('listpack');
    }
    expect(shortCuts).toBeGreaterThan(0);
    const longId = refs[refs.length - 1].id;
    expect(await q.redis.hexists(q.keys.task(longId), RECORD.payloadPart1)).toBe(0);
    expect(await q.redis.get(q.keys.payload(longId))).toBe(JSON.stringify(long));

    // get() reads both layouts.
    for (const [i, payload] of [small, ...inline, long].entries()) {
      expect((await q.producer.queue.get(refs[i].id))?.payload).toEqual(payload);
    }

    // The handler gets each payload exactly, and a task removed once complete leaves no key behind.
    const worker = await startTaskApp(q.prefix, [StoredTasks], { retention: { completed: { count: 0 } } });
    try {
      const seen = worker.get(StoredTasks).seen;
      await waitUntil(() => seen.size === refs.length, 'every task to run', 10_000);
      for (const payload of [small, ...inline, long]) expect(seen.get(payload.key)).toEqual(payload);
      await Promise.all(refs.map((ref) => worker.queue.waitFor(ref, { timeout: 10_000 })));
      const ids = new Set(refs.map((ref) => ref.id));
      const left = async () => (await keysOf(q.redis, q.prefix)).filter((key) => ids.has(key.slice(key.lastIndexOf(':') + 1)));
      await waitUntil(async () => (await left()).length === 0, 'the removed tasks to leave no key', 5_000);
    } finally {
      await worker.close();
    }
  });

  it('cuts at exact lengths: 64 bytes in one part, 65 in two, 256 in four, 257 and a five-part 256 in their own keys', async () => {
    const inRecord = [exactPayload('exact-64', 64), exactPayload('exact-65', 65), exactPayload('exact-256', 256)];
    // Two of them, so the second task reuses the record template the first one filled beyond its end.
    const ownKey = [exactPayload('exact-257', 257), fivePartPayload('five-a'), fivePartPayload('five-b')];
    expect(Buffer.byteLength(JSON.stringify(ownKey[1]))).toBeLessThanOrEqual(256);
    const refs = await q.producer.queue.enqueueMany([...inRecord, ...ownKey].map((payload) => ({ name: 'stored.echo', payload, options: RECORD_KEY })));
    const partCounts = await Promise.all(
      refs.slice(0, inRecord.length).map(async (ref) => (await q.redis.hmget(q.keys.task(ref.id), ...PARTS)).filter((part) => part !== null).length),
    );
    expect(partCounts).toEqual([1, 2, 4]);
    for (const i of inRecord.keys()) expect(await q.redis.exists(q.keys.payload(refs[i].id))).toBe(0);
    for (const [i, payload] of ownKey.entries()) {
      const id = refs[inRecord.length + i].id;
      expect(await q.redis.hmget(q.keys.task(id), ...PARTS)).toEqual([null, null, null, null]);
      expect(await q.redis.get(q.keys.payload(id))).toBe(JSON.stringify(payload));
    }
    for (const [i, payload] of [...inRecord, ...ownKey].entries()) expect((await q.producer.queue.get(refs[i].id))?.payload).toEqual(payload);
  });

  it('stores an ASCII payload of 65 to 128 bytes, which the producer splits itself, as the script would have', async () => {
    const payloads = [exactPayload('ascii-65', 65), exactPayload('ascii-121', 121), exactPayload('ascii-128', 128), exactPayload('ascii-129', 129)];
    const refs = await q.producer.queue.enqueueMany(payloads.map((payload) => ({ name: 'stored.echo', payload, options: RECORD_KEY })));
    for (const [i, payload] of payloads.entries()) {
      const json = JSON.stringify(payload);
      const parts = (await q.redis.hmget(q.keys.task(refs[i].id), ...PARTS)).filter((part) => part !== null);
      expect(parts).toEqual(json.length <= 128 ? [json.slice(0, 64), json.slice(64)] : [json.slice(0, 64), json.slice(64, 128), json.slice(128)]);
      expect(await q.redis.object('ENCODING', q.keys.task(refs[i].id))).toBe('listpack');
      expect((await q.producer.queue.get(refs[i]))?.payload).toEqual(payload);
    }
  });

  it('joins and cuts itself a payload split in a way this version never sends (a first part not of 64 bytes, or a longer tail)', async () => {
    const cases = [
      { id: 'odd-1', json: JSON.stringify(exactPayload('odd-1', 200)), at: 100 },
      { id: 'odd-2', json: JSON.stringify(exactPayload('odd-2', 100)), at: 30 },
      { id: 'odd-3', json: JSON.stringify(exactPayload('odd-3', 200)), at: 64 },
    ];
    const task = (id: string, payloadJson: string): NewTask => ({
      id, name: 'stored.echo', payloadJson, priority: 1, delayMs: 0, runAt: null, maxAttempts: 1, backoff: null,
      timeoutMs: 0, dependsOn: [], dependencyFailure: 'dead', removeOnComplete: null, removeOnDead: null,
    });
    const rows = cases.map(({ id, json, at }) => ({ ...enqueueRows([task(id, json)])[0], payload: json.slice(0, at), payloadTail: json.slice(at) }));
    const reply = await runScript(q.redis, 'enqueue', q.keys.scriptKeys, scriptArgs('enqueue', { base: q.keys.base, eventsMaxLen: 100 }, rows));
    expect(reply).toEqual([]);
    for (const { id, json } of cases) {
      const parts = (await q.redis.hmget(q.keys.task(id), ...PARTS)).filter((part): part is string => part !== null);
      expect(parts.every((part) => part.length <= PAYLOAD_PART_BYTES)).toBe(true);
      expect(parts.join('')).toBe(json);
      expect((await q.producer.queue.get(id))?.payload).toEqual(JSON.parse(json));
    }
  });

  it('keeps a plain task\'s payload whole in its compact record, and lays its record out as an enqueue would once a fetch takes it', async () => {
    const payloads = [
      { key: 'c-small', n: 1 },
      textPayload('c-text-65', 65),
      textPayload('c-text-200', 200),
      exactPayload('c-ascii-121', 121),
      exactPayload('c-exact-256', 256),
      fivePartPayload('c-five'),
      textPayload('c-long', 400),
    ];
    const compact = await q.producer.queue.enqueueMany(payloads.map((payload) => ({ name: 'stored.echo', payload })));
    // Twins written to record keys at enqueue: keys of the same length, so the same bytes fall at every cut.
    const twins = payloads.map((payload) => ({ ...payload, key: payload.key.replace(/^c-/, 'k-') }));
    const keyed = await q.producer.queue.enqueueMany(twins.map((payload) => ({ name: 'stored.echo', payload, options: RECORD_KEY })));
    // A split this version never sends, straight to the script: the record made from it joins and cuts it itself.
    const odd = JSON.stringify(exactPayload('c-odd', 200));
    const oddTask: NewTask = {
      id: 'c-odd', name: 'stored.echo', payloadJson: odd, priority: 0, delayMs: 0, runAt: null, maxAttempts: 1, backoff: null,
      timeoutMs: 0, dependsOn: [], dependencyFailure: 'dead', removeOnComplete: null, removeOnDead: null,
    };
    const oddRow = { ...enqueueRows([oddTask])[0], payload: odd.slice(0, 100), payloadTail: odd.slice(100) };
    expect(await runScript(q.redis, 'enqueue', q.keys.scriptKeys, scriptArgs('enqueue', { base: q.keys.base, eventsMaxLen: 100 }, [oddRow]))).toEqual([]);

    for (const [i, payload] of payloads.entries()) {
      const id = compact[i].id;
      expect(await q.redis.exists(q.keys.task(id), q.keys.payload(id))).toBe(0);
      expect(await q.redis.hget(q.keys.compactRecords, id)).toContain(JSON.stringify(payload).slice(0, 64));
      expect((await q.producer.queue.get(id))?.payload).toEqual(payload);
    }
    expect((await q.producer.queue.get('c-odd'))?.payload).toEqual(JSON.parse(odd));

    // Completed tasks keep their records (the module's retention), so the layout can be read afterwards.
    const worker = await startTaskApp(q.prefix, [StoredTasks]);
    try {
      const seen = worker.get(StoredTasks).seen;
      const expected = [...payloads, ...twins].map((payload) => payload.key).concat('c-odd');
      await waitUntil(() => expected.every((key) => seen.has(key)), 'every task to run', 10_000);
      for (const payload of payloads) expect(seen.get(payload.key)).toEqual(payload);
      expect(seen.get('c-odd')).toEqual(JSON.parse(odd));
      await Promise.all([...compact, ...keyed].map((ref) => worker.queue.waitFor(ref, { timeout: 10_000 })));
    } finally {
      await worker.close();
    }
    const layout = async (id: string) => ({ parts: (await q.redis.hmget(q.keys.task(id), ...PARTS)).map((part) => part?.length ?? 0), ownKey: await q.redis.exists(q.keys.payload(id)) });
    for (const i of payloads.keys()) {
      expect(await q.redis.hexists(q.keys.compactRecords, compact[i].id)).toBe(0);
      expect(await layout(compact[i].id)).toEqual(await layout(keyed[i].id));
      expect((await q.producer.queue.get(compact[i].id))?.payload).toEqual(payloads[i]);
    }
    const oddParts = (await q.redis.hmget(q.keys.task('c-odd'), ...PARTS)).filter((part): part is string => part !== null);
    expect(oddParts.every((part) => part.length <= PAYLOAD_PART_BYTES)).toBe(true);
    expect(oddParts.join('')).toBe(odd);
  });

  it('runs a task stored as 0.1.0 stored every task: the payload in its own key, none in the record', async () => {
    const payload = { key: 'old-layout', list: [1, 2, 3] };
    const [ref] = await q.producer.queue.enqueueMany([{ name: 'stored.echo', payload }]);
    await storeAsVersion010(q.redis, q.keys, ref.id);
    expect(await q.redis.hexists(q.keys.task(ref.id), RECORD.payloadPart1)).toBe(0);
    expect((await q.producer.queue.get(ref.id))?.payload).toEqual(payload);

    const worker = await startTaskApp(q.prefix, [StoredTasks], { retention: { completed: { count: 0 } } });
    try {
      await waitUntil(() => worker.get(StoredTasks).seen.has('old-layout'), 'the old-layout task to run', 10_000);
      expect(worker.get(StoredTasks).seen.get('old-layout')).toEqual(payload);
      await worker.queue.waitFor(ref, { timeout: 10_000 });
      // Removed on completion with its payload key.
      await waitUntil(async () => (await q.redis.exists(q.keys.task(ref.id), q.keys.payload(ref.id))) === 0, 'both keys to be deleted', 5_000);
    } finally {
      await worker.close();
    }
  });
});
