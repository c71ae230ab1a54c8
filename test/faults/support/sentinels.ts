import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPong } from '../../fixtures/child-processes.js';

/** Redis Sentinels started by a scenario, watching one master under `name`. */
export interface Sentinels {
  ports: number[];
  /** Asks one sentinel which address the master has now ('host:port'). */
  master(): Promise<string>;
  /** SENTINEL FAILOVER: a replica is promoted without asking the others to agree. */
  failover(): Promise<void>;
  /** Stops every sentinel (SIGKILL by its own pid) and removes their dirs. */
  destroy(): Promise<void>;
}

/** Starts `count` sentinels monitoring the master at 127.0.0.1:`masterPort` as `name`, with a quorum of a majority. */
export async function startSentinels(name: string, masterPort: number, count = 3): Promise<Sentinels> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-sentinel-'));
  const children: ChildProcess[] = [];
  const exits: Array<Promise<void>> = [];
  const ports: number[] = [];
  const quorum = Math.floor(count / 2) + 1;
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const config = join(dir, `sentinel-${port}.conf`);
    // Sentinels rewrite their config file as they learn: each gets a writable one.
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${quorum}`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
      ].join('\n') + '\n',
    );
    const child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    children.push(child);
    exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    ports.push(port);
    await waitForPong(port, child, 10_000, () => '');
  }
  const ask = async <T>(call: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(ports[0], '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      return await call(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    ports,
    master: () => ask(async (c) => ((await c.call('SENTINEL', 'get-master-addr-by-name', name)) as string[]).join(':')),
    failover: () => ask(async (c) => void (await c.call('SENTINEL', 'FAILOVER', name))),
    async destroy() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(exits);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
