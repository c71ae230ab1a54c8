import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskContext, TaskHandler, TaskModule, TaskQueue, type TaskRef } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';
import { faultRedis, startSentinels, type FaultRedis, type Sentinels } from './support/index.js';

// A master, a replica and three sentinels of the scenario's own. A worker app
// and a producer app connect through the sentinels; mid-run the master fails
// over, by SENTINEL FAILOVER and by SIGKILL of the master (a new replica then
// joins the new master). The apps set
// `durability: { replicas: 1 }`, so an enqueue resolves only once the replica
// has it; the producer re-sends an enqueue that failed (same id), as an app
// would; every enqueue that was acknowledged completes, the worker resumes by itself, and the
// connection's messages name the sentinel set and the master name.

const NAME = 'tasks-main';

@Injectable()
class SentinelTasks {
  /** The attempt number of each run, by task id. */
  readonly runs = new Map<string, number[]>();
  @TaskHandler('sentinel.work')
  async work(_payload: unknown, task: TaskContext) {
    this.runs.set(task.id, [...(this.runs.get(task.id) ?? []), task.attempt]);
    await sleep(1);
  }
}

/** What a disruption acts on; servers it starts go in `started`, for the scenario to stop. */
interface Servers {
  sentinels: Sentinels;
  master: FaultRedis;
  started: FaultRedis[];
}

describe.each([
  ['SENTINEL FAILOVER', (s: Servers) => s.sentinels.failover(), false],
  // The killed master's data is gone (no persistence): as an operator would, a new node is brought in as the
  // new master's replica, so the enqueues that wait for a replica (durability) can be acknowledged again.
  // Never a candidate for promotion (replica-priority 0): Sentinel does not rule out a replica that joined
  // less than ten down-after periods ago, so on a loaded machine a second, spurious failover (the new master
  // slow to answer for a second) could promote it before its first sync, empty. A CI run once saw every
  // acknowledged task gone after a slow switch (209 of 209, 101 enqueue re-sends), which such a promotion
  // explains; every other run, before and since, passed. That is the topology's hazard, not the library's.
  ['SIGKILL of the master', async (s: Servers) => {
    const old = await s.sentinels.master();
    await s.master.kill();
    await waitUntil(async () => (await s.sentinels.master()) !== old, 'the sentinels to promote the replica', 30_000, 100);
    const [host, port] = (await s.sentinels.master()).split(':');
    const spare = await faultRedis({ extraArgs: ['--replicaof', host, port, '--replica-priority', '0'] });
    s.started.push(spare);
    await spare.start();
    await waitUntil(async () => /master_link_status:up/.test(await (await spare.admin()).info('replication')), 'the new replica to sync', 15_000);
  }, true],
] as const)('Sentinel: a failover by %s mid-run', (how, disrupt, connectionsDrop) => {
  const prefix = uniquePrefix('sentinel');
  const logger = new CapturingLogger();
  const apps: INestApplicationContext[] = [];
  let master: FaultRedis;
  let replica: FaultRedis;
  let sentinels: Sentinels;
  const started: FaultRedis[] = [];

  beforeAll(async () => {
    master = await faultRedis();
    await master.start();
    replica = await faultRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] });
    await replica.start();
    await waitUntil(async () => /master_link_status:up/.test(await (await replica.admin()).info('replication')), 'the replica to sync', 15_000);
    sentinels = await startSentinels(NAME, master.port, 3);
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await sentinels?.destroy();
    for (const server of started) await server.destroy();
    await replica?.destroy();
    await master?.destroy();
  });

  async function boot(worker: boolean): Promise<INestApplicationContext> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TaskModule.forRoot({
          connection: { sentinels: sentinels.ports.map((port) => ({ host: '127.0.0.1', port })), name: NAME },
          prefix,
          worker: worker ? { concurrency: 10, leaseMs: 5_000, shutdownGraceMs: 1_000 } : false,
          retention: { completed: { count: 100_000 } },
          defaults: { attempts: 5 },
          // An enqueue resolves once the replica has it: a failover to the replica cannot lose it.
          durability: { replicas: 1, timeoutMs: 500 },
        }),
      ],
      providers: worker ? [SentinelTasks] : [],
    })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    apps.push(app);
    return app;
  }

  it('loses nothing enqueue acknowledged, and the worker resumes by itself', async () => {
    const producer = (await boot(false)).get(TaskQueue);
    const worker = await boot(true);
    const acked: TaskRef[] = [];
    let resends = 0;
    let done = false;
    const producing = (async () => {
      for (let n = 0; !done; n++) {
        // An enqueue that failed is re-sent until acknowledged (or, once the run is over, given up: it was never acknowledged).
        for (let tries = 0; !(done && tries > 100); tries++) {
          try {
            acked.push(await producer.enqueue('sentinel.work', { n }, { id: `s-${n}` }));
            break;
          } catch {
            resends++;
            await sleep(100);
          }
        }
      }
    })();
    await waitUntil(async () => (await producer.counts().catch(() => ({ completed: 0 }))).completed > 200, 'some tasks to complete', 20_000);
    const oldMaster = await sentinels.master();
    await disrupt({ sentinels, master, started });
    await waitUntil(async () => (await sentinels.master()) !== oldMaster, 'the sentinels to name a new master', 30_000, 100);
    await sleep(1_500);
    done = true;
    await producing;

    const results = await Promise.allSettled(acked.map((ref) => producer.waitFor(ref, { timeout: 60_000 })));
    const lost = results.filter((r) => r.status === 'rejected').length;
    const runs = worker.get(SentinelTasks).runs;
    const duplicates = [...runs.values()].filter((attempts) => attempts.length > 1).length;
    // Runs under one attempt number: the switch lost the record of the attempt itself (its fetch), so the
    // new master hands the task out as that attempt again. Shown, not asserted: nothing on the worker can know.
    const sameAttempt = [...runs].filter(([, attempts]) => new Set(attempts).size < attempts.length).map(([id]) => id);
    // But a task the worker ran, whose outcome the switch lost while its lease survived, is not taken for a
    // fetch reply never received and handed back without counting the attempt (it would run again under it).
    const handedBack = logger.lines.filter((l) => l.includes('leased but never received')).flatMap((l) => l.slice(l.lastIndexOf(': ') + 2).split(', '));
    process.stdout.write(
      `sentinel ${how}: master ${oldMaster} -> ${await sentinels.master()}; ${acked.length} acknowledged, ${resends} enqueue re-sends, ${lost} lost, ` +
        `${duplicates} run twice (${sameAttempt.length} under one attempt), ${handedBack.length} handed back as never received\n`,
    );
    expect(lost).toBe(0);
    expect(handedBack.filter((id) => sameAttempt.includes(id))).toEqual([]);

    // What the connection said during the switch names the sentinel set and the master, not a default address.
    const about = logger.lines.filter((l) => /Redis \w+ connection to/.test(l));
    // A killed master drops every connection: there must be such lines to check.
    if (connectionsDrop) expect(about.length).toBeGreaterThan(0);
    for (const line of about) expect(line).toMatch(new RegExp(`Sentinel master '${NAME}' via sentinels 127\\.0\\.0\\.1:\\d+`));
    expect(about.join('\n')).not.toContain('127.0.0.1:6379');
  });
});
