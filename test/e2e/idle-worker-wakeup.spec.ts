import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Socket } from 'node:net';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

@Injectable()
class WakeupTasks {
  readonly seen: string[] = [];

  @TaskHandler('wake.run')
  run(payload: { label: string }) {
    this.seen.push(payload.label);
  }
}

/** One line of CLIENT LIST as fields. */
function clientsNamed(list: string, name: string): Array<Record<string, string>> {
  return list
    .split('\n')
    .map((line) => Object.fromEntries(line.trim().split(' ').map((pair) => pair.split('=') as [string, string])))
    .filter((client) => client.name === name);
}

/** The app's connection blocked in BZPOPMIN, if there is one. */
async function blockedConnection(redis: Redis, name: string): Promise<Record<string, string> | undefined> {
  return clientsNamed(String(await redis.client('LIST')), name).find((c) => c.cmd === 'bzpopmin' && c.flags.includes('b'));
}

// An idle worker blocks in BZPOPMIN with its fetch sent right behind on the same
// connection, so a wake-up and the fetch it leads to are one round trip. CLIENT
// LIST shows it: the blocked connection holds the unread fetch in its query buffer.
describe('an idle worker waits with its fetch queued behind the wait', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = inspector();
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function start(prefix: string): Promise<{ t: TaskApp; name: string }> {
    const name = `wake-${prefix.replace(/[^a-z0-9-]/gi, '')}`;
    const t = await startTaskApp(prefix, [WakeupTasks], { connection: { url: REDIS_URL, connectionName: name } });
    return { t, name };
  }

  it('is woken by an enqueue, runs the task, and waits the same way again', async () => {
    const prefix = uniquePrefix('idle-wakeup');
    const { t, name } = await start(prefix);
    try {
      const idle = await waitUntil(() => blockedConnection(redis, name), 'the worker to block in BZPOPMIN');
      expect(Number(idle.qbuf)).toBeGreaterThan(0);
      const ref = await t.queue.enqueue('wake.run', { label: 'first' });
      await t.queue.waitFor(ref, { timeout: 10_000 });
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });
      expect(t.get(WakeupTasks).seen).toEqual(['first']);
      const again = await waitUntil(() => blockedConnection(redis, name), 'the worker to block again');
      expect(Number(again.qbuf)).toBeGreaterThan(0);
      expect(again.id).toBe(idle.id);
    } finally {
      await t.close();
      await removePrefix(prefix);
    }
  });

  it('ends the wait when the app closes, well before its 5 s safety timeout, and leaves no lease and no lasting marker', async () => {
    const prefix = uniquePrefix('idle-close');
    const { t, name } = await start(prefix);
    let closed = false;
    try {
      await waitUntil(() => blockedConnection(redis, name), 'the worker to block in BZPOPMIN');
      const started = Date.now();
      await t.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(clientsNamed(String(await redis.client('LIST')), name)).toEqual([]);
      // The poke that ended the wait was taken by it, and the marker key went with it; a poke that
      // crossed a wait ending on its own (its timeout) stays behind only until it expires.
      await sleep(50);
      for (const key of (await keysOf(redis, prefix)).filter((k) => k.includes('}:wm:'))) {
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      expect(await redis.zcard(`{${prefix}:default}:active`)).toBe(0);
    } finally {
      if (!closed) await t.close();
      await removePrefix(prefix);
    }
  });

  it('sends the wait and its fetch in one socket write', async () => {
    // Node hands a socket's buffered chunks to _writev at once when it is uncorked;
    // sent one after the other on an idle socket, each goes out alone through _write.
    const flushed: string[][] = [];
    const writev = Object.getOwnPropertyDescriptor(Socket.prototype, '_writev')!.value as (this: Socket, chunks: Array<{ chunk: unknown }>, cb: () => void) => void;
    Socket.prototype._writev = function (this: Socket, chunks: Array<{ chunk: unknown }>, cb: (error?: Error | null) => void) {
      flushed.push(chunks.map((c) => String(c.chunk).toLowerCase()));
      return writev.call(this, chunks, cb);
    };
    const prefix = uniquePrefix('idle-one-write');
    let started: { t: TaskApp; name: string } | null = null;
    try {
      started = await start(prefix);
      const { t, name } = started;
      await waitUntil(() => blockedConnection(redis, name), 'the worker to block in BZPOPMIN');
      const ref = await t.queue.enqueue('wake.run', { label: 'one write' });
      await t.queue.waitFor(ref, { timeout: 10_000 });
      await waitUntil(() => blockedConnection(redis, name), 'the worker to block again');
      const waits = flushed.filter((chunks) => chunks.some((c) => c.includes('bzpopmin')));
      // The first wait and the one after the task.
      expect(waits.length).toBeGreaterThanOrEqual(2);
      for (const chunks of waits) {
        expect(chunks).toHaveLength(2);
        expect(chunks[0]).toContain('bzpopmin');
        expect(chunks[1]).toContain('evalsha');
      }
    } finally {
      Socket.prototype._writev = writev;
      await started?.t.close();
      await removePrefix(prefix);
    }
  });
});
