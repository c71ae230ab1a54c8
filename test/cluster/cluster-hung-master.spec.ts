import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A master that hangs (a frozen VM, a network dropping packets) rather than dies: the cluster promotes its
// replica, but the app's client hears nothing from the old master, no redirection and no error, so only a
// periodic read of the slot map moves it. Without one, a worker and a producer kept waiting on the frozen
// node until it came back (115 s in a review). On a cluster of its own: freezing a node of the shared one
// would stall the specs running beside this one.

const require = createRequire(__filename);
const { startCluster } = require('../utils/redis-cluster.cjs') as {
  startCluster(options: { masters: number; replicasPerMaster: number }): Promise<{ ports: number[]; stop(): Promise<void> }>;
};

@Injectable()
class HungTasks {
  readonly ran: number[] = [];
  @TaskHandler('hung.work', { queue: 'hq' })
  work(payload: { n: number }) {
    this.ran.push(payload.n);
    return payload.n;
  }
}

/** Runs `call` on a connection of its own to the node on `port`; null when the node does not answer. */
async function onNode<T>(port: number, call: (client: Redis) => Promise<T>): Promise<T | null> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    return await call(client);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** The ports of the master serving `slot` and of its replicas, as the node on `askPort` sees them. */
async function portsOf(askPort: number, slot: number): Promise<{ master: number; replicas: number[] } | null> {
  return onNode(askPort, async (client) => {
    const slots = (await client.cluster('SLOTS')) as unknown as Array<[number, number, ...Array<[string, number]>]>;
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (!range) return null;
    const [, , master, ...replicas] = range;
    return { master: Number(master[1]), replicas: replicas.map((r) => Number(r[1])) };
  });
}

describe('Redis Cluster: a master that hangs', () => {
  const prefix = uniquePrefix('hung');
  let cluster: { ports: number[]; stop(): Promise<void> };
  let frozenPid: number | null = null;
  const apps: TaskApp[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
  }, 60_000);
  afterAll(async () => {
    if (frozenPid !== null) process.kill(frozenPid, 'SIGCONT');
    await Promise.all(apps.map((app) => app.close()));
    await cluster?.stop();
  }, 60_000);

  it('is left for its promoted replica by a running worker and producer, without waiting for it to come back', async () => {
    const connection = { cluster: cluster.ports.map((port) => `redis://127.0.0.1:${port}`) };
    const worker = await startTaskApp(prefix, [HungTasks], { connection, worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 500 } });
    apps.push(worker);
    const producer = await startTaskApp(prefix, [], { connection, worker: false });
    apps.push(producer);
    expect(await producer.queue.waitFor(await producer.queue.enqueue('hung.work', { n: 0 }, { queue: 'hq' }), { timeout: 10_000 })).toBe(0);

    const slot = Number(await onNode(cluster.ports[0], (c) => c.cluster('KEYSLOT', `{${prefix}:hq}:wait`)));
    // A replica promotes itself only once it has synced: right after the cluster forms, it may not have.
    const { master: masterPort, replicas } = await waitUntil(async () => {
      const ports = await portsOf(cluster.ports[0], slot);
      if (!ports || ports.replicas.length === 0) return null;
      const synced = await onNode(ports.replicas[0], async (c) => /master_link_status:up/.test(await c.info('replication')));
      return synced ? ports : null;
    }, 'the master of the queue to have a synced replica', 30_000, 200);
    frozenPid = Number(/process_id:(\d+)/.exec((await onNode(masterPort, (c) => c.info('server')))!)![1]);
    process.kill(frozenPid, 'SIGSTOP');

    // cluster-node-timeout is 2 s: the replica takes over a few seconds later.
    const promoted = await waitUntil(async () => {
      const ports = await portsOf(replicas[0], slot);
      return ports && ports.master !== masterPort ? ports.master : null;
    }, 'the replica to be promoted', 30_000, 200);
    expect(promoted).toBe(replicas[0]);

    // An enqueue may meet the frozen node before the client reads the new map: re-sent with the same id, as an app would.
    let ref = null;
    const deadline = Date.now() + 30_000;
    while (!ref && Date.now() < deadline) {
      ref = await producer.queue.enqueue('hung.work', { n: 1 }, { queue: 'hq', id: 'after-hang' }).catch(() => null);
    }
    expect(ref).not.toBeNull();
    // Both apps run on while the old master is still frozen.
    expect(await producer.queue.waitFor(ref!, { timeout: 30_000 })).toBe(1);
    expect(worker.get(HungTasks).ran).toContain(1);
  }, 120_000);
});
