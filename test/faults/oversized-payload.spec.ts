import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError, TaskContext, TaskHandler, type TaskRef } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { taskKeysOf, uniquePrefix } from '../utils/redis.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';
import { printSummary } from './support/tally.js';

// A payload over maxPayloadBytes (default 512 KiB) is refused by enqueue with
// an error naming the limit, before anything reaches Redis: no key under the
// prefix afterwards, not even the id sequence. A payload at or just under the
// limit is stored and runs. The limit counts UTF-8 bytes of the JSON, not characters.

const DEFAULT_LIMIT = 512 * 1024;
const CUSTOM_LIMIT = 1_000;

@Injectable()
class SizeTasks {
  /** Successful runs per "queue:id" in this app. */
  readonly runs = new Map<string, number>();

  @TaskHandler('size.echo')
  echo(payload: string, task: TaskContext) {
    this.runs.set(`${task.queue}:${task.id}`, (this.runs.get(`${task.queue}:${task.id}`) ?? 0) + 1);
    return { chars: payload.length, head: payload.slice(0, 3), tail: payload.slice(-3) };
  }
}

/** A JSON string payload of exactly `bytes` UTF-8 bytes once encoded (the quotes count). */
const asciiOfBytes = (bytes: number) => 'x'.repeat(bytes - 2);

/** The rejection of `promise` (fails the test if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error;
}

describe('an oversized payload', () => {
  const defaultPrefix = uniquePrefix('fault-size-default');
  const customPrefix = uniquePrefix('fault-size-custom');
  let redis: FaultRedis;
  let admin: Redis;
  let byDefault: TaskApp | undefined;
  let custom: TaskApp | undefined;

  beforeAll(async () => {
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
  });

  afterAll(async () => {
    await byDefault?.close();
    await custom?.close();
    await redis?.destroy();
  });

  it('is refused by enqueue with an error naming the limit and writes nothing; one at the limit runs', async () => {
    const worker = { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 1_000 };
    byDefault = await startTaskApp(defaultPrefix, [SizeTasks], { connection: redis.url, worker });
    custom = await startTaskApp(customPrefix, [SizeTasks], { connection: redis.url, worker, maxPayloadBytes: CUSTOM_LIMIT });
    const accepted: Array<{ app: TaskApp; ref: TaskRef; payload: string }> = [];
    let refused = 0;

    // The default limit: a 600 KiB payload.
    const big = 'x'.repeat(600 * 1024);
    const overDefault = await refusal(byDefault.queue.enqueue('size.echo', big));
    refused++;
    expect(overDefault).toBeInstanceOf(InvalidTaskOptionsError);
    expect(overDefault.message).toContain(`enqueue('size.echo')`);
    expect(overDefault.message).toContain(`limit of ${DEFAULT_LIMIT} bytes`);
    expect(overDefault.message).toContain('maxPayloadBytes');
    expect(overDefault.message).toContain(String(Buffer.byteLength(JSON.stringify(big))));
    // A batch with one oversized item writes none of its items.
    const overInBatch = await refusal(
      byDefault.queue.enqueueMany([
        { name: 'size.echo', payload: 'small' },
        { name: 'size.echo', payload: asciiOfBytes(DEFAULT_LIMIT + 1) },
      ]),
    );
    refused++;
    expect(overInBatch).toBeInstanceOf(InvalidTaskOptionsError);
    expect(overInBatch.message).toContain(`limit of ${DEFAULT_LIMIT} bytes`);
    expect(await taskKeysOf(admin, defaultPrefix)).toEqual([]);

    // Just under the limit, and exactly at it (the largest payload accepted).
    for (const bytes of [DEFAULT_LIMIT - 1, DEFAULT_LIMIT]) {
      const payload = asciiOfBytes(bytes);
      accepted.push({ app: byDefault, ref: await byDefault.queue.enqueue('size.echo', payload), payload });
    }

    // A custom limit counts UTF-8 bytes: 500 'é' are 502 characters of JSON but 1,002 bytes.
    const overCustom = await refusal(custom.queue.enqueue('size.echo', 'é'.repeat(500)));
    refused++;
    expect(overCustom).toBeInstanceOf(InvalidTaskOptionsError);
    expect(overCustom.message).toContain(`is 1002 bytes encoded`);
    expect(overCustom.message).toContain(`limit of ${CUSTOM_LIMIT} bytes`);
    expect(overCustom.message).toContain('maxPayloadBytes');
    expect(await taskKeysOf(admin, customPrefix)).toEqual([]);
    // 499 'é' encode to exactly 1,000 bytes.
    const atCustom = 'é'.repeat(499);
    accepted.push({ app: custom, ref: await custom.queue.enqueue('size.echo', atCustom), payload: atCustom });

    // Accepted payloads arrive whole.
    for (const { app, ref, payload } of accepted) {
      await expect(app.queue.waitFor(ref, { timeout: 15_000 })).resolves.toEqual({
        chars: payload.length,
        head: payload.slice(0, 3),
        tail: payload.slice(-3),
      });
    }

    const states = await Promise.all(accepted.map(({ app, ref }) => app.queue.get(ref).then((info) => info?.state)));
    const completed = states.filter((s) => s === 'completed').length;
    const dead = states.filter((s) => s === 'dead').length;
    const duplicates = [byDefault, custom].flatMap((app) => [...app.get(SizeTasks).runs.values()]).filter((n) => n > 1).length;
    const lost = accepted.length - completed - dead;
    printSummary(
      'oversized-payload',
      { enqueued: accepted.length, completed, duplicates, dead, lost, lostKeys: [], deadKeys: [], duplicateKeys: [], strayIds: [] },
      { refused },
    );
    expect({ completed, duplicates, dead, lost }).toEqual({ completed: accepted.length, duplicates: 0, dead: 0, lost: 0 });
  });
});
