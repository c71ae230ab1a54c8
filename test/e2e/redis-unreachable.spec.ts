import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:net';
import { inspect } from 'node:util';
import { OnTaskEvent, RedisUnavailableError, TaskHandler, TaskModule } from '../../lib/index.js';
import { freePort } from '../fixtures/child-processes.js';
import { sleep } from '../utils/wait.js';
import { CapturingLogger } from '../utils/capturing-logger.js';

// Redis unreachable at bootstrap: the app fails within connectTimeoutMs with a
// message naming host and port, never the password, and does not keep logging
// reconnect attempts.

const CONNECT_TIMEOUT_MS = 1_500;
const PASSWORD = 's3cr3t-pass';

// A worker, a declared schedule and an event listener: each uses Redis from a bootstrap hook.
@Injectable()
class SomeTasks {
  @TaskHandler('unreachable.noop', { schedule: { every: 60_000 } })
  async noop() {
    return 'never runs';
  }

  @OnTaskEvent('completed')
  seen() {}
}

/** Boots an app against `connection`; resolves with how init ended and how long it took. */
async function boot(connection: string, logger: LoggerService): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection, prefix: 'test-unreachable', connectTimeoutMs: CONNECT_TIMEOUT_MS })],
      providers: [SomeTasks],
    })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    await app.close();
    return { error: null, elapsedMs: Date.now() - started };
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
}

describe('Redis unreachable at bootstrap', () => {
  let port: number;

  beforeAll(async () => {
    // Free a moment ago and nothing listens on it: connections are refused.
    port = await freePort();
  });

  it('fails app init within a bound, naming host and port, and then stays quiet', async () => {
    const logger = new CapturingLogger();
    const { error, elapsedMs } = await boot(`redis://127.0.0.1:${port}`, logger);

    expect(error).toBeInstanceOf(RedisUnavailableError);
    // The connection's own wait and error, not the quicker failure of the worker's, the schedules' or the
    // listeners' first command.
    expect((error as Error).message).toMatch(new RegExp(`^could not connect to Redis at 127\\.0\\.0\\.1:${port} within ${CONNECT_TIMEOUT_MS} ms`));
    expect(elapsedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(5_000);

    // Not an endless stream of reconnect logs: nothing more once init has failed.
    const linesAtFailure = logger.lines.length;
    expect(logger.lines.filter((l) => /reconnect/i.test(l)).length).toBeLessThanOrEqual(2);
    await sleep(1_500);
    expect(logger.lines.length).toBe(linesAtFailure);
  });

  it('says why when nothing answered: a TLS handshake to a port without TLS, or a server that never replies', async () => {
    // A TCP server that accepts and says nothing, as a plain Redis does to a TLS handshake (it waits for a command).
    const sockets = new Set<import('node:net').Socket>();
    const mute: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const mutePort = (mute.address() as { port: number }).port;
    try {
      const [tls, plain] = await Promise.all([
        boot(`rediss://127.0.0.1:${mutePort}`, new CapturingLogger()),
        boot(`redis://127.0.0.1:${mutePort}`, new CapturingLogger()),
      ]);
      expect((tls.error as Error).message).toMatch(/within 1500 ms: nothing answered the TLS handshake \(a rediss:\/\/ URL or tls option needs a port where Redis speaks TLS\)$/);
      expect((plain.error as Error).message).toMatch(/within 1500 ms: nothing answered \(a server that accepts connections but does not reply, or a network that drops them\)$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });

  it('never shows the password of the URL, neither in the error nor in the logs', async () => {
    const logger = new CapturingLogger();
    const { error, elapsedMs } = await boot(`redis://user:${PASSWORD}@127.0.0.1:${port}`, logger);

    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(elapsedMs).toBeLessThan(5_000);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).not.toContain(PASSWORD);
    // The whole error as a user would print it: stack and causes too.
    expect(inspect(error, { depth: 5 })).not.toContain(PASSWORD);
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) expect(line).not.toContain(PASSWORD);
  });
});
