import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPong } from '../../fixtures/child-processes.js';

/** How a fault scenario's own Redis keeps its data. */
export type Persistence = 'none' | 'aof-always';

/** Options of a scenario's own redis-server. */
export interface FaultRedisOptions {
  /** 'aof-always' (appendonly yes, appendfsync always) survives SHUTDOWN and restart; default 'none'. */
  persistence?: Persistence;
  /** Extra redis-server arguments (e.g. TLS or ACL settings). */
  extraArgs?: string[];
}

/** A redis-server started by a fault scenario, on a free loopback port, with its data in a temp dir of its own. */
export interface FaultRedis {
  port: number;
  url: string;
  dir: string;
  /** Pid of the running server (null while stopped). */
  readonly pid: number | null;
  /** Starts (or restarts on the same port and dir); resolves once it answers PING. */
  start(): Promise<void>;
  /** Sends SHUTDOWN from an admin connection (AOF is fsynced first) and waits for the process to exit. */
  shutdown(): Promise<void>;
  /** An admin connection of the test's own (not counted as one of the app's; CLIENT KILL skips it by default). */
  admin(): Promise<Redis>;
  /** INFO memory used_memory, in bytes. */
  usedMemory(): Promise<number>;
  /** Kills the server with SIGKILL (no AOF flush, no goodbye to clients) and waits for it to exit; its dir stays. */
  kill(): Promise<void>;
  /** Stops the server if it runs (SIGKILL by its own pid), closes the admin connection and removes the dir. */
  destroy(): Promise<void>;
}

/** Creates (does not start) a redis-server of the scenario's own. */
export async function faultRedis(options: FaultRedisOptions = {}): Promise<FaultRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-fault-'));
  const persistence =
    options.persistence === 'aof-always' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, ...(options.extraArgs ?? [])];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let adminClient: Redis | null = null;

  const dropAdmin = () => {
    adminClient?.disconnect();
    adminClient = null;
  };

  const admin = async (): Promise<Redis> => {
    if (adminClient && adminClient.status === 'ready') return adminClient;
    dropAdmin();
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: (n) => Math.min(50 * n, 500), disconnectTimeout: 50 });
    client.on('error', () => undefined);
    await client.connect();
    adminClient = client;
    return client;
  };

  const server: FaultRedis = {
    port,
    dir,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid ?? null;
    },
    async start() {
      if (child) throw new Error(`redis-server on port ${port} is already running`);
      const started = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      await waitForPong(port, started, 15_000, () => `: ${stderr}`);
    },
    async shutdown() {
      if (!child) return;
      const running = exited;
      const client = await admin();
      // The connection closes under the command: that is the success case.
      await client.call('SHUTDOWN').catch(() => undefined);
      dropAdmin();
      await running;
      child = null;
    },
    admin,
    async kill() {
      dropAdmin();
      if (!child) return;
      const running = child;
      child = null;
      if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
      await exited;
    },
    async usedMemory() {
      const info = await (await admin()).info('memory');
      const match = /^used_memory:(\d+)/m.exec(info);
      if (!match) throw new Error(`no used_memory in INFO memory: ${info}`);
      return Number(match[1]);
    },
    async destroy() {
      dropAdmin();
      if (child) {
        const running = child;
        child = null;
        if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
