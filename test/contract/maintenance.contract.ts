import type { FetchRequest, FetchedTask } from '../../lib/engine/attempt.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import { newTask, type EngineUnderTest } from './contract-kit.js';

const QUEUE = 'contract';
const request = (count: number): FetchRequest => ({ count, startNow: count, workerToken: 'w1', leaseMs: 30_000, handlerLimits: new Map(), handlerNames: [] });

/**
 * The contract of the TaskMaintenance part of the port: task logs, the probes
 * behind health checks and gauges, and the bulk operations. Called from
 * describeEngineContract, so every engine keeps it.
 */
export function describeMaintenanceContract(open: () => Promise<EngineUnderTest>): void {
  describe('task logs, probes and bulk operations', () => {
    let engine: EngineUnderTest;
    beforeEach(async () => {
      engine = await open();
    });
    afterEach(async () => {
      await engine.close();
    });

    const add = (...tasks: NewTask[]) => engine.tasks.add(tasks.map((task) => ({ queue: QUEUE, task })));
    const take = async (count: number) => (await engine.tasks.fetch(QUEUE, request(count))).tasks;
    const settle = (task: FetchedTask, kind: 'completed' | 'dead') =>
      engine.tasks.settle(
        QUEUE,
        [kind === 'completed' ? { lease: task.lease, kind, resultJson: '1' } : { lease: task.lease, kind: 'failed', error: { message: 'x' }, then: { action: 'dead' } }],
        request(0),
      );
    const ids = async (state: 'waiting' | 'delayed' | 'dead' | 'completed' | 'blocked' | 'active') =>
      (await engine.tasks.list(QUEUE, state, 0, 1_000)).map((t) => t.id).sort();

    it('appends log lines while the lease is held, keeps the newest, and removes them with the task', async () => {
      await add(newTask('l', { removeOnComplete: 'remove' }));
      const [task] = await take(1);
      const before = await engine.schedules.now();
      for (const n of [1, 2, 3, 4]) expect(await engine.tasks.appendLog(QUEUE, task.lease, `line ${n}`, 3)).toBe(true);
      const lines = (await engine.tasks.readLog(QUEUE, 'l'))!;
      expect(lines.map((l) => l.message)).toEqual(['line 2', 'line 3', 'line 4']);
      expect(lines[0].at).toBeGreaterThanOrEqual(before);
      expect(await engine.tasks.appendLog(QUEUE, { id: 'l', token: `${task.lease.token}-stale` }, 'late', 3)).toBe(false);
      expect(await engine.tasks.readLog(QUEUE, 'missing')).toBeNull();
      await add(newTask('quiet'));
      expect(await engine.tasks.readLog(QUEUE, 'quiet')).toEqual([]);
      await settle(task, 'completed');
      expect(await engine.tasks.readLog(QUEUE, 'l')).toBeNull();
      expect(await engine.tasks.appendLog(QUEUE, task.lease, 'after', 3)).toBe(false);
    });

    it('answers a ping and reports gauges and the age of the longest-waiting front task', async () => {
      await engine.tasks.ping();
      expect(await engine.tasks.waitingAge(QUEUE, 10)).toBeNull();
      await add(newTask('old', { priority: -5 }), newTask('later', { delayMs: 60_000 }));
      // Windows of a second: on Redis they are real time, and the calls between must fit in them on a busy machine.
      await engine.elapse(1_000);
      await add(newTask('new', { priority: 5 }), newTask('run'));
      await take(1);
      // The front task of the top level is new; the low level's front task has waited longer, and counts.
      expect(await engine.tasks.waitingAge(QUEUE, 10)).toBeGreaterThanOrEqual(950);
      expect(await engine.tasks.waitingAge(QUEUE, 1)).toBeLessThan(950);
      expect(await engine.tasks.gauges(QUEUE, 1)).toEqual({ waiting: 2, delayed: 1, active: 1, dead: 0 });
    });

    it('counts the gauges at most once per maxAgeMs: callers within it get the same counts', async () => {
      await add(newTask('g1'));
      expect(await engine.tasks.gauges(QUEUE, 1_000)).toMatchObject({ waiting: 1 });
      await add(newTask('g2'));
      expect(await engine.tasks.gauges(QUEUE, 1_000)).toMatchObject({ waiting: 1 });
      await engine.elapse(1_100);
      expect(await engine.tasks.gauges(QUEUE, 1_000)).toMatchObject({ waiting: 2 });
    });

    it('retries dead tasks, of one name when asked, with fresh attempts', async () => {
      await add(newTask('a1', { name: 'a', maxAttempts: 1 }), newTask('a2', { name: 'a', maxAttempts: 1 }), newTask('b1', { name: 'b', maxAttempts: 1 }));
      for (const task of await take(3)) await settle(task, 'dead');
      expect(await engine.tasks.retryDead(QUEUE, 'a')).toBe(2);
      expect(await ids('waiting')).toEqual(['a1', 'a2']);
      expect(await engine.tasks.get(QUEUE, 'a1')).toMatchObject({ state: 'waiting', attempts: 0 });
      expect(await ids('dead')).toEqual(['b1']);
      expect(await engine.tasks.retryDead(QUEUE, null)).toBe(1);
      expect(await engine.tasks.retryDead(QUEUE, null)).toBe(0);
      expect(await ids('waiting')).toEqual(['a1', 'a2', 'b1']);
    });

    it('retries a failed flow with its dependents waiting again for their retried dependencies, in any order of the dead set', async () => {
      // Ids chosen so that the dependents sort (and, on Redis, scan) before the root that ended them dead.
      await add(newTask('z-root', { maxAttempts: 1 }), newTask('other', { maxAttempts: 1 }));
      await add(newTask('a-mid', { dependsOn: ['z-root'] }));
      await add(newTask('b-leaf', { dependsOn: ['a-mid', 'other'] }));
      const [root, other] = await take(2);
      await settle(other, 'completed');
      await settle(root, 'dead');
      expect(await ids('dead')).toEqual(['a-mid', 'b-leaf', 'z-root']);
      expect(await engine.tasks.retryDead(QUEUE, null)).toBe(3);
      expect(await ids('waiting')).toEqual(['z-root']);
      expect(await ids('blocked')).toEqual(['a-mid', 'b-leaf']);
      const [again] = await take(5);
      expect(again.id).toBe('z-root');
      await settle(again, 'completed');
      const [mid] = await take(5);
      expect(mid.id).toBe('a-mid');
      expect(Object.fromEntries(await engine.tasks.dependencyResults(QUEUE, 'a-mid'))).toEqual({ 'z-root': 1 });
      await settle(mid, 'completed');
      const [leaf] = await take(5);
      expect(leaf.id).toBe('b-leaf');
      expect(Object.fromEntries(await engine.tasks.dependencyResults(QUEUE, 'b-leaf'))).toEqual({ 'a-mid': 1, other: 1 });
    });

    it('retries a dependent alone: it waits for a dependency retried before it, not for one still dead', async () => {
      await add(newTask('root', { maxAttempts: 1 }));
      await add(newTask('mid', { dependsOn: ['root'] }));
      await settle((await take(1))[0], 'dead');
      expect(await engine.tasks.retry(QUEUE, 'mid')).toBe(true);
      expect(await ids('waiting')).toEqual(['mid']);
      await settle((await take(1))[0], 'dead');
      expect(await engine.tasks.retry(QUEUE, 'root')).toBe(true);
      expect(await engine.tasks.retry(QUEUE, 'mid')).toBe(true);
      expect(await engine.tasks.get(QUEUE, 'mid')).toMatchObject({ state: 'blocked', pendingDependencies: ['root'] });
      expect((await take(5)).map((t) => t.id)).toEqual(['root']);
    });

    it('gives a retried dependent the result of a dependency that completed after it died', async () => {
      await add(newTask('root', { maxAttempts: 1 }));
      await add(newTask('mid', { dependsOn: ['root'] }));
      await settle((await take(1))[0], 'dead');
      expect(await engine.tasks.retry(QUEUE, 'root')).toBe(true);
      await settle((await take(1))[0], 'completed');
      // root completed while mid was dead: nothing was blocked on it to take its result then.
      expect(await engine.tasks.retry(QUEUE, 'mid')).toBe(true);
      expect(await ids('waiting')).toEqual(['mid']);
      expect(Object.fromEntries(await engine.tasks.dependencyResults(QUEUE, 'mid'))).toEqual({ root: 1 });
    });

    it('drains waiting tasks (and delayed ones when asked), leaving running ones; dependents of a drained task end dead', async () => {
      await add(newTask('run'), newTask('w1'), newTask('w2'), newTask('d1', { delayMs: 60_000 }));
      await take(1);
      await add(newTask('child', { dependsOn: ['w1'] }));
      expect(await engine.tasks.drain(QUEUE, false)).toBe(2);
      expect(await ids('waiting')).toEqual([]);
      expect(await ids('delayed')).toEqual(['d1']);
      expect(await ids('active')).toEqual(['run']);
      expect(await engine.tasks.get(QUEUE, 'child')).toMatchObject({ state: 'dead' });
      expect(await engine.tasks.get(QUEUE, 'w1')).toBeNull();
      expect(await engine.tasks.drain(QUEUE, true)).toBe(1);
      expect(await ids('delayed')).toEqual([]);
    });

    it('cleans finished tasks older than asked, oldest first, up to a limit, and returns their ids', async () => {
      await add(newTask('c1'), newTask('c2'), newTask('c3'), newTask('x1', { maxAttempts: 1 }));
      for (const task of await take(2)) await settle(task, 'completed');
      // Wide margins: on Redis this is real time, and a loaded machine may take a while between two calls.
      await engine.elapse(600);
      for (const task of await take(2)) await settle(task, task.id === 'x1' ? 'dead' : 'completed');
      expect(await engine.tasks.clean(QUEUE, 'completed', 300, null)).toEqual(['c1', 'c2']);
      expect(await ids('completed')).toEqual(['c3']);
      expect(await engine.tasks.clean(QUEUE, 'dead', 0, 0)).toEqual([]);
      expect(await engine.tasks.clean(QUEUE, 'dead', 0, 1)).toEqual(['x1']);
      expect(await engine.tasks.get(QUEUE, 'x1')).toBeNull();
    });

    it('refuses to obliterate a queue with a running task unless forced, then removes everything', async () => {
      await add(newTask('o1'), newTask('o2', { delayMs: 60_000 }), newTask('o3'));
      const [running] = await take(1);
      expect(await engine.tasks.obliterate(QUEUE, false)).toEqual({ status: 'refused', running: 1 });
      expect(await engine.tasks.counts(QUEUE)).toMatchObject({ waiting: 1, delayed: 1, active: 1, paused: false });
      expect(await engine.tasks.obliterate(QUEUE, true)).toEqual({ status: 'done', removed: 3 });
      expect(await engine.tasks.counts(QUEUE)).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, paused: false });
      expect(await engine.tasks.get(QUEUE, 'o1')).toBeNull();
      expect((await settle(running, 'completed')).settled).toEqual([false]);
      await add(newTask('again'));
      expect((await take(1)).map((t) => t.id)).toEqual(['again']);
    });

    it('lists the queues enqueued to, paused, served by a worker or with a schedule; obliterate removes one, and using it again lists it again', async () => {
      const sorted = async () => (await engine.tasks.queues()).sort();
      expect(await sorted()).toEqual([]);
      // Reading a queue does not list it.
      await engine.tasks.counts('read-only');
      await engine.tasks.list('read-only', 'waiting', 0, 10);
      await add(newTask('q1'));
      await engine.tasks.add([{ queue: 'other', task: newTask('q2') }]);
      await add(newTask('q3'));
      const worker = { instanceId: 'wq', host: 'h', pid: 1, startedAt: 0, queues: [{ queue: 'served', handlers: ['job'], concurrency: 1, running: 0, buffered: 0 }] };
      await engine.tasks.heartbeat(worker, 10_000);
      const schedule = {
        id: 'tick', queue: 'timed', name: 'job', payloadJson: '1', spec: { cron: null, every: 60_000, timezone: null }, priority: 0,
        maxAttempts: 1, backoff: null, timeoutMs: 0, removeOnComplete: null, removeOnDead: null,
      };
      await engine.schedules.save(schedule, (await engine.schedules.now()) + 60_000);
      // A queue paused before anything was enqueued to it (so the dashboard shows it, paused).
      await engine.tasks.pause('held');
      expect(await sorted()).toEqual([QUEUE, 'held', 'other', 'served', 'timed']);
      expect(await engine.tasks.obliterate('held', false)).toMatchObject({ status: 'done' });

      expect(await engine.tasks.obliterate(QUEUE, false)).toMatchObject({ status: 'done' });
      expect(await engine.tasks.obliterate('timed', false)).toMatchObject({ status: 'done' });
      expect(await sorted()).toEqual(['other', 'served']);
      await add(newTask('back'));
      expect(await engine.tasks.obliterate('served', false)).toMatchObject({ status: 'done' });
      expect(await sorted()).toEqual([QUEUE, 'other']);
      // The worker's next heartbeat lists the queue it serves again.
      await engine.tasks.heartbeat(worker, 10_000);
      expect(await sorted()).toEqual([QUEUE, 'other', 'served']);
    });
  });
}
