import { Redis } from 'ioredis';
import { TaskStoreError } from '../../lib/index.js';
import { CommandTooLargeError } from '../../lib/redis/flat-command.js';
import { runScript, scriptCallsSettled } from '../../lib/redis/script-registry.js';
import { toStoreError } from '../../lib/redis/store-errors.js';
import { REDIS_URL } from '../utils/redis.js';

// A script call whose text is longer than V8's longest string (about 537
// million characters) cannot be made: ioredis throws while building it, before
// anything is written, or, for a call queued while the connection is made,
// later inside ioredis, where the call never settled. It is refused before it
// is handed to ioredis, saying nothing was sent, and is not left counted in
// flight (which held app.close() forever).

describe('a call too large to send', () => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await client.quit();
  });

  it('fails as refused with nothing sent, leaves no call in flight, and the connection goes on', async () => {
    // 280 million characters twice: each fits in a string, the command text they make does not.
    const half = 'x'.repeat(280_000_000);
    // While connecting: a command ioredis queued then would have thrown later, unanswered.
    expect(client.status).not.toBe('ready');
    const call = runScript(client, 'progress', ['k'], [half, half]);
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTooLargeError);
    expect((error as Error).message).toMatch(/^the EVALSHA call is too large to send \(5 arguments, 5600000\d\d characters: one command is at most \d+ characters of text\)$/);
    // Settled at once: shutdown waits for this before QUIT.
    const settled = await Promise.race([scriptCallsSettled(client).then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 1_000))]);
    expect(settled).toBe('settled');
    expect(await client.ping()).toBe('PONG');

    const wrapped = toStoreError("enqueue of 2 tasks on queue 'docs'", error, { target: 'Redis at 127.0.0.1:6379', safeMessage: (e: unknown) => String(e) } as never, 'adds');
    expect(wrapped).toBeInstanceOf(TaskStoreError);
    expect((wrapped as TaskStoreError).failure).toBe('refused');
    expect(wrapped.message).toContain("enqueue of 2 tasks on queue 'docs' failed: nothing was sent: the EVALSHA call is too large to send");
    expect(wrapped.message).not.toContain('unreachable');
  });
});
