import { Redis } from 'ioredis';
import type { TaskSummary } from '../../lib/index.js';
import { startDashboardApp, type DashboardApp } from '../fixtures/dashboard-app.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { runCli } from '../fixtures/cli-process.js';
import { commandCalls, uniquePrefix } from '../utils/redis.js';

// Listings that show no payload read none: list(state, { values: false }), the dashboard's queue page and
// the CLI's list table. With large payloads each reading them cost a gigabyte a page (1,000 tasks of 1 MB),
// and the open page repeats its read every two seconds. On a Redis of its own, so its command counts are
// this spec's alone.

describe('listings without values', () => {
  let server: OwnRedis;
  let admin: Redis;
  let dashboard: DashboardApp;
  const prefix = uniquePrefix('no-values');
  const payload = (i: number) => ({ i, blob: 'x'.repeat(300_000) });

  beforeAll(async () => {
    await ensureBuilt();
    server = await ownRedis(['--appendonly', 'no']);
    await server.start();
    admin = new Redis(server.url);
    dashboard = await startDashboardApp({ adapter: 'express', prefix, worker: false, connection: server.url });
    // Waiting tasks of 300 KB (over the compact records' limit), a delayed one and a blocked one.
    const refs = await dashboard.tasks.enqueueMany(Array.from({ length: 12 }, (_, i) => ({ name: 'demo.ok', payload: payload(i), options: { queue: 'demo' } })));
    await dashboard.tasks.enqueue('demo.ok', payload(99), { queue: 'demo', delay: 600_000 });
    await dashboard.tasks.enqueue('demo.ok', payload(98), { queue: 'demo', dependsOn: [refs[0]] });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await dashboard?.close();
    admin?.disconnect();
    await server?.destroy();
  });

  /** The GET and HGETALL calls Redis ran during `action` (payload keys and whole records). */
  async function valueReads(action: () => Promise<unknown>): Promise<{ get: number; hgetall: number }> {
    const before = await commandCalls(admin);
    await action();
    const after = await commandCalls(admin);
    return { get: (after.get ?? 0) - (before.get ?? 0), hgetall: (after.hgetall ?? 0) - (before.hgetall ?? 0) };
  }

  it('list(state, { values: false }) gives the same tasks without payload, result and progress, reading none', async () => {
    const full = await dashboard.tasks.list('waiting', { queue: 'demo', limit: 20 });
    let summaries: TaskSummary[] = [];
    expect(await valueReads(async () => (summaries = await dashboard.tasks.list('waiting', { queue: 'demo', limit: 20, values: false })))).toEqual({ get: 0, hgetall: 0 });
    expect(summaries.map((t) => t.id)).toEqual(full.map((t) => t.id));
    expect(summaries.every((t) => !('payload' in t) && !('result' in t))).toBe(true);
    expect(full.every((t) => (t.payload as { blob: string }).blob.length === 300_000)).toBe(true);
    const blocked = await dashboard.tasks.list('blocked', { queue: 'demo', values: false });
    expect(blocked[0]).toMatchObject({ state: 'blocked', pendingDependencies: [full[0].id] });
    await expect(dashboard.tasks.list('waiting', { queue: 'demo', values: 'no' as never })).rejects.toThrow('list: values must be true or false, got "no"');
  });

  it("the dashboard's queue page reads no payload, with or without a name filter", async () => {
    for (const query of ['state=waiting&limit=50', 'state=delayed', 'state=waiting&name=demo.ok']) {
      let bytes = 0;
      const reads = await valueReads(async () => {
        const response = await fetch(`${dashboard.origin}/tasks/api/queues/demo?${query}`);
        expect(response.status).toBe(200);
        bytes = (await response.text()).length;
      });
      expect({ query, ...reads }).toEqual({ query, get: 0, hgetall: 0 });
      expect(bytes).toBeLessThan(20_000);
    }
  });

  it("the CLI's list table reads no payload; --json prints them whole", async () => {
    const cli = (...args: string[]) => runCli([...args, '--prefix', prefix, '--url', server.url]);
    const table = await valueReads(async () => expect((await cli('list', 'demo', 'waiting', '--limit', '20')).code).toBe(0));
    expect(table).toEqual({ get: 0, hgetall: 0 });
    const named = await valueReads(async () => expect((await cli('list', 'demo', 'waiting', '--name', 'demo.ok', '--limit', '5')).code).toBe(0));
    expect(named).toEqual({ get: 0, hgetall: 0 });
    const json = await cli('list', 'demo', 'waiting', '--name', 'demo.ok', '--limit', '2', '--json');
    expect((JSON.parse(json.stdout) as Array<{ payload: { blob: string } }>).map((t) => t.payload.blob.length)).toEqual([300_000, 300_000]);
  });
});
