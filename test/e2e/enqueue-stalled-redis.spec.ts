import { Injectable } from '@nestjs/common';
import { RedisUnavailableError, TaskHandler } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A Redis that stops answering but keeps its connections open (a stopped
// process, DEBUG SLEEP, CLIENT PAUSE) is bounded only by ioredis'
// commandTimeout. An enqueue it times out was sent: Redis runs it once it goes
// on. The error says so, and that a re-send should carry the same id.

@Injectable()
class NoTasks {
  @TaskHandler('stalled.noop')
  noop() {}
}

describe('an enqueue to a Redis that stopped answering', () => {
  let redis: OwnRedis;
  let t: TaskApp | undefined;

  beforeAll(async () => {
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
    t = await startTaskApp(uniquePrefix('stalled'), [NoTasks], { connection: { url: redis.url, commandTimeout: 500 }, worker: false });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  it('times out with commandTimeout, saying it may be stored and to re-send with the same id; it is stored once Redis goes on', async () => {
    // Warm: the script is loaded (a first call sent by SHA would be answered NOSCRIPT, and then not sent again).
    await t!.queue.enqueue('stalled.noop', {}, { id: 'warm' });
    redis.freeze();
    let error: unknown;
    try {
      error = await t!.queue.enqueue('stalled.noop', {}, { id: 'stalled-1' }).then(() => null, (e: unknown) => e);
    } finally {
      redis.thaw();
    }
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(
      /^enqueue of 'stalled\.noop' on queue 'default' failed: Redis at 127\.0\.0\.1:\d+ did not answer within the connection's commandTimeout .*its tasks may still be stored: send them again with the same ids/,
    );
    await waitUntil(async () => (await t!.queue.get('stalled-1'))?.state === 'waiting', 'the timed-out enqueue to show as stored');
    // The re-send with the same id returns the stored task and adds nothing.
    await t!.queue.enqueue('stalled.noop', {}, { id: 'stalled-1' });
    expect(await t!.queue.counts()).toMatchObject({ waiting: 2 });
  });
});
