import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Cluster, Redis } from 'ioredis';
import * as Ioredis6 from 'ioredis6';
import { InvalidTaskOptionsError, TaskHandler, TaskModule, TaskQueue, TaskStoreError } from '../../lib/index.js';
import { toStoreError } from '../../lib/redis/store-errors.js';
import { jsonOf, runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CLUSTER_NODES, removePrefix, uniquePrefix } from '../utils/redis.js';
import { masterOf, nodeClient, slotOf } from './cluster-admin.js';

@Injectable()
class SpreadTasks {
  @TaskHandler('spread.q0', { queue: 'q0' }) q0(p: { n: number }) { return p.n; }
  @TaskHandler('spread.q1', { queue: 'q1' }) q1(p: { n: number }) { return p.n; }
  @TaskHandler('spread.q2', { queue: 'q2' }) q2(p: { n: number }) { return p.n; }
  @TaskHandler('spread.q3', { queue: 'q3' }) q3(p: { n: number }) { return p.n; }
  @TaskHandler('spread.q4', { queue: 'q4' }) q4(p: { n: number }) { return p.n; }
  @TaskHandler('spread.q5', { queue: 'q5' }) q5(p: { n: number }) { return p.n; }
}

const QUEUES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5'];
const firstNode = () => CLUSTER_NODES![0];

describe('Redis Cluster: connections and queues over several masters', () => {
  const prefix = uniquePrefix('cluster');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [SpreadTasks], { worker: { concurrency: 10, leaseMs: 5_000, shutdownGraceMs: 1_000 } });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('refuses a single-node connection to a cluster node at bootstrap, saying to use the cluster shape', async () => {
    const compiled = Test.createTestingModule({ imports: [TaskModule.forRoot({ connection: `redis://${firstNode()}`, prefix, worker: false })] }).compile();
    const error = await compiled.then((m) => m.init()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/is a Redis Cluster node \(cluster_enabled:1\).*use the cluster shape \{ cluster: \[/);
  });

  it('wraps a MOVED reply as a wrong-node TaskStoreError', async () => {
    // A key whose slot another master serves, sent straight to the first node.
    const firstPort = Number(firstNode().split(':')[1]);
    let key = '{probe-0}';
    for (let i = 1; (await masterOf(await slotOf(key))).port === firstPort; i++) key = `{probe-${i}}`;
    const node = nodeClient(firstPort);
    try {
      const raw = await node.set(key, '1').catch((e: unknown) => e);
      const wrapped = toStoreError('enqueue', raw, { target: firstNode(), safeMessage: (e) => String((e as Error).message ?? e) });
      expect(wrapped).toBeInstanceOf(TaskStoreError);
      expect(wrapped).toMatchObject({ failure: 'wrong-node', cause: raw });
      expect(wrapped.message).toMatch(/wrong node: .* does not serve this queue's keys \(Redis said: MOVED/);
    } finally {
      node.disconnect();
    }
  });

  it('spreads six queues over the masters and runs an enqueueMany across all of them', async () => {
    const masters = new Set(await Promise.all(QUEUES.map(async (q) => (await masterOf(await slotOf(`{${prefix}:${q}}:wait`))).port)));
    expect(masters.size).toBeGreaterThanOrEqual(2);
    const refs = await t.queue.enqueueMany(
      Array.from({ length: 600 }, (_, n) => ({ name: `spread.q${n % 6}`, payload: { n }, options: { queue: `q${n % 6}` } })),
    );
    expect(refs.map((r) => r.queue)).toEqual(Array.from({ length: 600 }, (_, n) => `q${n % 6}`));
    await expect(Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 20_000 })))).resolves.toEqual(refs.map((_, n) => n));
    for (const q of QUEUES) expect(await t.queue.counts(q)).toMatchObject({ waiting: 0, active: 0, completed: 100, dead: 0 });
  });

  it('reaches the queues with the command-line tool given one node and --cluster, and says to add it when missing', async () => {
    const url = `redis://${firstNode()}`;
    const counts = await runCli(['counts', 'q3', '--json', '--prefix', prefix, '--url', url, '--cluster']);
    expect(counts.code).toBe(0);
    expect(jsonOf(counts)).toMatchObject({ completed: 100, dead: 0 });
    const queues = await runCli(['queues', '--json', '--prefix', prefix, '--url', url, '--cluster']);
    expect(jsonOf<Array<{ queue: string }>>(queues).map((q) => q.queue)).toEqual(expect.arrayContaining(QUEUES));
    const without = await runCli(['queues', '--prefix', prefix, '--url', url]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--url names a node of a Redis Cluster: add --cluster');
  });

  it('refuses a dependency in another queue (another slot) at enqueue, saying why and what to do', async () => {
    const dep = await t.queue.enqueue('spread.q0', { n: 1 }, { queue: 'q0' });
    await expect(t.queue.enqueue('spread.q1', { n: 2 }, { queue: 'q1', dependsOn: [dep] })).rejects.toThrow(
      /dependsOn\[0\] is in queue 'q0', but dependencies must be in the task's own queue 'q1'.*one atomic unit.*same queue/,
    );
  });

  it('uses an app-owned Cluster instance of ioredis 6 through clients of its own, and never closes it', async () => {
    const nodes = CLUSTER_NODES!.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) }));
    const owned = new Ioredis6.Cluster(nodes);
    @Module({ imports: [TaskModule.forRoot({ connection: owned, prefix, worker: { concurrency: 2, leaseMs: 2_000, shutdownGraceMs: 500 } })], providers: [SpreadTasks] })
    class OwnedModule {}
    const app = await NestFactory.createApplicationContext(OwnedModule, { logger: false });
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('spread.q2', { n: 22 }, { queue: 'q2' });
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(22);
    await app.close();
    expect(owned.status).toBe('ready');
    await owned.quit();
  });

  it('uses an app-owned Cluster instance through duplicates and never closes it', async () => {
    const nodes = CLUSTER_NODES!.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) }));
    const owned = new Cluster(nodes);
    @Module({ imports: [TaskModule.forRoot({ connection: owned, prefix, worker: { concurrency: 2, leaseMs: 2_000, shutdownGraceMs: 500 } })], providers: [SpreadTasks] })
    class OwnedModule {}
    const app = await NestFactory.createApplicationContext(OwnedModule, { logger: false });
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('spread.q3', { n: 33 }, { queue: 'q3' });
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(33);
    await app.close();
    expect(owned.status).toBe('ready');
    expect(await (owned as unknown as Redis).get(`{${prefix}:nothing}:x`)).toBeNull();
    await owned.quit();
  });
});
