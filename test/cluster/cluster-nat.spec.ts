import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { createServer, type Socket } from 'node:net';
import { RedisUnavailableError, TaskHandler, TaskModule, TaskQueue, type RedisConnection } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { waitUntil } from '../utils/wait.js';

// A Cluster whose nodes announce addresses the app cannot reach (NAT, a
// tunnel, a hostname that resolves only inside their network). A one-node
// cluster of the test's own, holding every slot, announces a hostname that
// does not resolve: bootstrap names the node's error and natMap; with natMap
// mapping it to the node's real address, the app works.

const ANNOUNCED = 'node-1.nat.invalid';

@Injectable()
class NatTasks {
  @TaskHandler('nat.echo')
  echo(payload: { n: number }) {
    return payload.n;
  }
}

async function boot(connection: RedisConnection) {
  @Module({ imports: [TaskModule.forRoot({ connection, prefix: 'nat', connectTimeoutMs: 2_000, worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 500 } })], providers: [NatTasks] })
  class NatModule {}
  return NestFactory.createApplicationContext(NatModule, { logger: false, abortOnError: false });
}

describe('Redis Cluster behind NAT: announced addresses the app cannot reach', () => {
  let node: OwnRedis;

  beforeAll(async () => {
    node = await ownRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    await node.start();
    const admin = new Redis(node.port, '127.0.0.1');
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await admin.call('CONFIG', 'SET', 'cluster-announce-hostname', ANNOUNCED);
      await admin.call('CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'hostname');
      await waitUntil(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 'the cluster to be ok');
    } finally {
      await admin.quit();
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('names natMap too when an announced address accepts connections and says nothing (a NAT that drops the replies)', async () => {
    // A port that accepts and never replies, announced by the node as its own address.
    const sockets = new Set<Socket>();
    const mute = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const admin = new Redis(node.port, '127.0.0.1');
    try {
      await admin.call('CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'ip');
      await admin.call('CONFIG', 'SET', 'cluster-announce-port', String((mute.address() as { port: number }).port));
      const error = await boot({ cluster: [{ host: '127.0.0.1', port: node.port }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/within 2000 ms: nothing answered .*; for a Cluster, also its nodes announcing addresses this app cannot reach .*clusterOptions\.natMap/);
    } finally {
      await admin.call('CONFIG', 'SET', 'cluster-announce-port', '0');
      await admin.call('CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'hostname');
      await admin.quit();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });

  it('names the unreachable node and natMap at bootstrap, and works once natMap maps it', async () => {
    const startup = [{ host: '127.0.0.1', port: node.port }];
    const error = await boot({ cluster: startup }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(new RegExp(`a node of the Cluster failed \\(.*ENOTFOUND ${ANNOUNCED.replace(/\./g, '\\.')}.*\\): the nodes announce addresses this app cannot reach .*clusterOptions\\.natMap`));

    const app = await boot({ cluster: startup, clusterOptions: { natMap: { [`${ANNOUNCED}:${node.port}`]: { host: '127.0.0.1', port: node.port } } } });
    try {
      const queue = app.get(TaskQueue);
      await expect(queue.waitFor(await queue.enqueue('nat.echo', { n: 7 }), { timeout: 10_000 })).resolves.toBe(7);
    } finally {
      await app.close();
    }
  });
});
