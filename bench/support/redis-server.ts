import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

/** A redis-server the bench started itself, on a free loopback port. */
export interface OwnRedisServer {
  port: number;
  child: ChildProcess;
  /** Stops it by its own pid. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server without persistence (`extraArgs` after the defaults;
 * under `wrapper`, e.g. valgrind, when given) and resolves once it answers
 * PING. It is also killed when this process exits before stop(): it is ours
 * alone.
 */
export async function startRedisServer(options: { extraArgs?: string[]; wrapper?: string[] } = {}): Promise<OwnRedisServer> {
  const port = await freePort();
  const server = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.extraArgs ?? [])];
  const [command, ...args] = [...(options.wrapper ?? []), ...server];
  const child = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // Up to 30 s: under valgrind the server takes seconds to start.
  for (let i = 0; i < 300; i++) {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    const up = await probe.connect().then(() => probe.ping().then(() => true), () => false);
    probe.disconnect();
    if (up) break;
    if (child.exitCode !== null) throw new Error(`${command} exited with code ${child.exitCode} before it answered`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
