import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { resolveTaskOptions } from '../../lib/config/options.resolver.js';
import type { QueuedTask } from '../../lib/engine/new-task.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { RedisConnections } from '../../lib/redis/redis-connections.js';
import { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { newTask } from '../contract/contract-kit.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { storeAsVersion010 } from '../utils/stored-payload.js';

// A waiting page costs Redis O(log n) + O(limit) commands whatever mixes the wait list with the wait set
// and the parked sets (list-waiting.lua): a deep page of a 50,000-task mixed queue takes about as many
// commands as the first one. Counted with INFO commandstats (which counts the commands a script calls) on
// a private redis-server, so no other test's commands are counted.

const TASKS = 50_000;
const LIMIT = 50;
/** Commands a page of 50 may take: the 5 reads per task of readTasks (250), the script and its own calls. */
const MOST_COMMANDS = 700;

/** Commands Redis ran since the last CONFIG RESETSTAT, leaving out CONFIG and INFO themselves. */
async function commandsRun(admin: Redis): Promise<number> {
  const stats = await admin.info('commandstats');
  let calls = 0;
  for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!/^(config|info)/.test(m[1])) calls += Number(m[2]);
  return calls;
}

describe('the cost of a waiting page on a large queue', () => {
  let server: OwnRedis;
  let admin: Redis;
  let connections: RedisConnections;
  let engine: RedisTaskEngine;
  const prefix = 'cost';

  beforeAll(async () => {
    server = await ownRedis(['--appendonly', 'no']);
    await server.start();
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const options = resolveTaskOptions({ connection: server.url, prefix });
    connections = new RedisConnections(options);
    await connections.onApplicationBootstrap();
    engine = new RedisTaskEngine(connections, options);
  });

  afterAll(async () => {
    await connections?.onApplicationShutdown();
    await admin?.quit();
    await server?.destroy();
  });

  /** Lists one page, returning its ids, the commands it cost Redis and the time it took (best of three). */
  async function page(queue: string, offset: number): Promise<{ ids: string[]; commands: number; ms: number }> {
    let best = { ids: [] as string[], commands: Infinity, ms: Infinity };
    for (let run = 0; run < 3; run++) {
      await admin.config('RESETSTAT');
      const started = performance.now();
      const ids = (await engine.list(queue, 'waiting', offset, LIMIT)).map((t) => t.id);
      const ms = performance.now() - started;
      const commands = await commandsRun(admin);
      best = { ids, commands: Math.min(best.commands, commands), ms: Math.min(best.ms, ms) };
    }
    return best;
  }

  const add = (queue: string, tasks: ReturnType<typeof newTask>[]) => engine.add(tasks.map((task): QueuedTask => ({ queue, task })));

  it('reads a deep page of a 50,000-task mixed queue with about as many commands as the first', async () => {
    const queue = 'mixed';
    const keys = new QueueKeys(prefix, queue);
    const names = ['plain', 'plain', 'pa', 'pb'];
    for (let from = 0; from < TASKS; from += 5_000) {
      await add(queue, Array.from({ length: 5_000 }, (_, i) => newTask(`m${from + i}`, { name: names[(from + i) % 4] })));
      // Priority tasks, enqueued between the list's: they sort before or after all of it.
      await add(queue, [newTask(`hi${from}`, { priority: 2 }), newTask(`lo${from}`, { priority: -1 })]);
    }
    // Tasks of priority 0 in the wait set among the list's (as 0.1.0 left them, or put back), and
    // tasks of two handlers parked at their limit, spread over the whole queue.
    for (let i = 7; i < TASKS; i += 250) await storeAsVersion010(admin, keys, `m${i}`);
    for (let i = 2; i < TASKS; i += 500) {
      for (const id of [`m${i}`, `m${i + 1}`]) {
        const score = await storeAsVersion010(admin, keys, id);
        const name = names[Number(id.slice(1)) % 4];
        await admin.multi().zrem(keys.wait, id).zadd(keys.handlerParked(name), score, id).sadd(keys.parkedNames, name).exec();
      }
    }
    const total = TASKS + 2 * (TASKS / 5_000);
    const offsets = [0, 1_000, 25_000, total - LIMIT];
    const pages: Array<{ ids: string[]; commands: number; ms: number }> = [];
    for (const offset of offsets) pages.push(await page(queue, offset));
    process.stdout.write(
      `waiting-page-cost: mixed queue of ${total}: ${offsets.map((o, i) => `offset ${o}: ${pages[i].commands} commands, ${pages[i].ms.toFixed(1)} ms`).join('; ')}\n`,
    );
    expect(pages.map((p) => p.ids.length)).toEqual(offsets.map(() => LIMIT));
    expect(pages[0].ids.slice(0, 2)).toEqual(['hi0', 'hi5000']);
    expect(pages[3].ids.slice(-2)).toEqual(['lo40000', 'lo45000']);
    for (const p of pages) expect(p.commands).toBeLessThanOrEqual(MOST_COMMANDS);
    // It does not grow with the offset: a deeper page costs a few more probes of the search at most.
    expect(Math.max(...pages.map((p) => p.commands)) - pages[0].commands).toBeLessThanOrEqual(300);
  }, 120_000);

  it("reads the last page of 50,000 tasks and one of priority 1 (the review's case) with a bounded count of commands", async () => {
    const queue = 'review';
    for (let from = 0; from < TASKS; from += 5_000) await add(queue, Array.from({ length: 5_000 }, (_, i) => newTask(`r${from + i}`)));
    await add(queue, [newTask('urgent', { priority: 1 })]);
    const last = Math.floor(TASKS / LIMIT) * LIMIT;
    const [first, final] = [await page(queue, 0), await page(queue, last)];
    process.stdout.write(
      `waiting-page-cost: ${TASKS} + 1 priority task: first page ${first.commands} commands, ${first.ms.toFixed(1)} ms; last page (offset ${last}) ${final.commands} commands, ${final.ms.toFixed(1)} ms\n`,
    );
    expect(first.ids[0]).toBe('urgent');
    expect(final.ids).toEqual([`r${TASKS - 1}`]);
    expect(final.commands).toBeLessThanOrEqual(MOST_COMMANDS);
  }, 120_000);
});
