import type { FetchedTask } from '../../lib/engine/attempt.js';
import { isLostAttempt } from '../../lib/engine/lost-attempt.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import type { ScheduleDefinition } from '../../lib/engine/schedule-engine.js';
import { QUEUE, WORKER, newTask, request, type EngineUnderTest, type OpenEngine } from './contract-kit.js';
import { describeBatchContract } from './batches.contract.js';
import { describeEventContract } from './events.contract.js';
import { describeLifecycleContract } from './lifecycle.contract.js';
import { describeLimitContract } from './limits.contract.js';
import { describeMaintenanceContract } from './maintenance.contract.js';
import { describeInsightsContract } from './insights.contract.js';
import { describeScheduleContract } from './schedules.contract.js';

export type { EngineOptions, EngineUnderTest, OpenEngine } from './contract-kit.js';

/**
 * The contract every TaskEngine and ScheduleEngine keeps, driven through the
 * port alone (no Nest app): what the producer, the worker and the scheduler
 * rely on. Run by each engine's own spec with its factory.
 */
export function describeEngineContract(engineName: string, open: OpenEngine): void {
  describe(`engine contract: ${engineName}`, () => {
    let engine: EngineUnderTest;
    beforeEach(async () => {
      engine = await open();
    });
    afterEach(async () => {
      await engine.close();
    });

    const add = async (...tasks: NewTask[]) => engine.tasks.add(tasks.map((task) => ({ queue: QUEUE, task })));
    const fetchIds = async (count: number) => (await engine.tasks.fetch(QUEUE, request(count))).tasks.map((t) => t.id);
    const complete = (task: FetchedTask, result: unknown) =>
      engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'completed', resultJson: JSON.stringify(result) }], request(0));

    it('enqueues, fetches with a lease, and settles: the task completes with its result', async () => {
      const [added] = await add(newTask('a', { payloadJson: '{"n":1}' }));
      expect(added).toEqual({ ref: { id: 'a', queue: QUEUE }, created: true });
      expect((await add(newTask('a')))[0].created).toBe(false);
      expect(await engine.tasks.get(QUEUE, 'a')).toMatchObject({ state: 'waiting', attempts: 0, payload: { n: 1 } });

      const { tasks } = await engine.tasks.fetch(QUEUE, request(5));
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ id: 'a', name: 'job', payload: { n: 1 }, attempt: 1, maxAttempts: 3 });
      expect(await engine.tasks.get(QUEUE, 'a')).toMatchObject({ state: 'active', attempts: 1 });

      const reply = await complete(tasks[0], { ok: true });
      expect(reply.settled).toEqual([true]);
      expect(await engine.tasks.get(QUEUE, 'a')).toMatchObject({ state: 'completed', result: { ok: true } });
      expect(await engine.tasks.watch(QUEUE, 'a')).toMatchObject({ final: { state: 'completed', result: { ok: true } } });
      expect(await engine.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 0, completed: 1 });
    });

    it("shows an active task's lease: the worker that holds it and when it runs out; none once settled", async () => {
      await add(newTask('a'), newTask('b'));
      const before = await engine.schedules.now();
      const [task] = (await engine.tasks.fetch(QUEUE, { ...request(1), leaseMs: 20_000 })).tasks;
      const shown = await engine.tasks.get(QUEUE, task.id);
      expect(shown?.lease?.workerId).toBe(WORKER);
      expect(shown?.lease?.expiresAt).toBeGreaterThanOrEqual(before + 20_000);
      expect(shown?.lease?.expiresAt).toBeLessThanOrEqual((await engine.schedules.now()) + 20_000);
      expect((await engine.tasks.list(QUEUE, 'active', 0, 10))[0].lease).toEqual(shown?.lease);
      expect((await engine.tasks.get(QUEUE, 'b'))?.lease).toBeUndefined();
      await complete(task, null);
      expect((await engine.tasks.get(QUEUE, task.id))?.lease).toBeUndefined();
    });

    it('records a failure with its error and retries after the backoff delay, then ends dead', async () => {
      await add(newTask('f', { maxAttempts: 2 }));
      let [task] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { message: 'boom' }, then: { action: 'retry', delayMs: 1_000 } }], request(0));
      expect(await engine.tasks.get(QUEUE, 'f')).toMatchObject({ state: 'delayed', error: { message: 'boom' } });
      await engine.elapse(1_100);
      [task] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      expect(task).toMatchObject({ id: 'f', attempt: 2 });
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { message: 'again' }, then: { action: 'dead' } }], request(0));
      expect(await engine.tasks.watch(QUEUE, 'f')).toMatchObject({ final: { state: 'dead', error: { message: 'again' } } });
    });

    it('refuses a settle with a stale lease and changes nothing', async () => {
      await add(newTask('s', { maxAttempts: 1 }));
      const [task] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      const stale = { ...task.lease, token: `${task.lease.token}-old` };
      const reply = await engine.tasks.settle(QUEUE, [{ lease: stale, kind: 'completed', resultJson: '1' }], request(0));
      expect(reply.settled).toEqual([false]);
      expect(await engine.tasks.get(QUEUE, 's')).toMatchObject({ state: 'active' });
      expect(await engine.tasks.progress(QUEUE, stale, '50')).toBe(false);
      expect((await complete(task, 2)).settled).toEqual([true]);
      // A repeated settle of the same attempt (a lost reply, re-sent) finds nothing to change.
      expect((await complete(task, 3)).settled).toEqual([false]);
      expect(await engine.tasks.get(QUEUE, 's')).toMatchObject({ state: 'completed', result: 2 });
    });

    it('recovers a task whose lease expired: the lost attempt counts, and the old lease is refused', async () => {
      await add(newTask('r', { maxAttempts: 2 }));
      // A lease of a second, so that the first recover surely comes before it runs out, even on a busy machine.
      const [first] = (await engine.tasks.fetch(QUEUE, request(1, 1_000))).tasks;
      expect(await engine.tasks.recover(QUEUE)).toEqual({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 });
      await engine.elapse(1_100);
      // Whose lease ran out: the worker token the lease was taken with (its instanceId in workers()).
      expect(await engine.tasks.recover(QUEUE)).toEqual({ requeued: 1, dead: 0, deadIds: [], workers: [WORKER], unstarted: 0 });
      expect((await engine.tasks.renew(QUEUE, WORKER, [first.lease], 1_000, 60_000)).lost).toEqual(['r']);
      const [second] = (await engine.tasks.fetch(QUEUE, request(1, 50))).tasks;
      expect(second).toMatchObject({ id: 'r', attempt: 2 });
      expect((await complete(first, 'late')).settled).toEqual([false]);
      await engine.elapse(80);
      expect(await engine.tasks.recover(QUEUE)).toEqual({ requeued: 0, dead: 1, deadIds: ['r'], workers: [WORKER], unstarted: 0 });
      expect(await engine.tasks.get(QUEUE, 'r')).toMatchObject({ state: 'dead', attempts: 2 });
    });

    it('puts tasks leased ahead of a free slot back uncounted when their lease runs out, once per task', async () => {
      const recovered = async () => {
        const result = await engine.tasks.recover(QUEUE);
        return { ...result, deadIds: [...result.deadIds].sort() };
      };
      // A record key (priority) and compact records alike.
      await add(newTask('p', { priority: 5, maxAttempts: 1 }), newTask('q', { priority: 4, maxAttempts: 1 }), newTask('x', { maxAttempts: 1 }));
      // One free slot: p starts at once; q and x wait in the worker's buffer, and may never start there.
      expect((await engine.tasks.fetch(QUEUE, request(3, 1_000, new Map(), 1))).tasks.map((t) => t.id)).toEqual(['p', 'q', 'x']);
      await engine.elapse(1_100);
      expect(await recovered()).toEqual({ requeued: 0, dead: 1, deadIds: ['p'], workers: [WORKER], unstarted: 2 });
      expect(await engine.tasks.get(QUEUE, 'q')).toMatchObject({ state: 'waiting', attempts: 0 });
      expect(await engine.tasks.get(QUEUE, 'x')).toMatchObject({ state: 'waiting', attempts: 0 });
      // In their old place. Leased ahead and lost again, they count: a task that crashes its worker as it
      // starts uses up its attempts even if it always arrives in a buffer.
      expect((await engine.tasks.fetch(QUEUE, request(2, 1_000, new Map(), 0))).tasks.map((t) => t.id)).toEqual(['q', 'x']);
      await engine.elapse(1_100);
      expect(await recovered()).toEqual({ requeued: 0, dead: 2, deadIds: ['q', 'x'], workers: [WORKER], unstarted: 0 });
      const lost = (await engine.tasks.get(QUEUE, 'x'))!;
      expect(lost).toMatchObject({ state: 'dead', attempts: 1 });
      // Worded so that the CLI and the dashboard can tell a takeover from a run that ended.
      expect(isLostAttempt(lost.error)).toBe(true);
    });

    it('counts a lost lease that started at once, even when an earlier lease of the task was leased ahead', async () => {
      await add(newTask('s', { maxAttempts: 2 }));
      const [ahead] = (await engine.tasks.fetch(QUEUE, request(1, 1_000, new Map(), 0))).tasks;
      expect(await engine.tasks.release(QUEUE, [ahead.lease])).toBe(1);
      // Fetched again into a free slot: the mark of the lease before says nothing of this one.
      await engine.tasks.fetch(QUEUE, request(1, 1_000, new Map(), 1));
      await engine.elapse(1_100);
      expect(await engine.tasks.recover(QUEUE)).toEqual({ requeued: 1, dead: 0, deadIds: [], workers: [WORKER], unstarted: 0 });
      expect(await engine.tasks.get(QUEUE, 's')).toMatchObject({ state: 'waiting', attempts: 1 });
    });

    it('hands released tasks back in their old place without counting the attempt', async () => {
      await add(newTask('h1'), newTask('h2'));
      const tasks = (await engine.tasks.fetch(QUEUE, request(2))).tasks;
      expect(await engine.tasks.release(QUEUE, tasks.map((t) => t.lease))).toBe(2);
      expect(await engine.tasks.get(QUEUE, 'h1')).toMatchObject({ state: 'waiting', attempts: 0 });
      expect(await fetchIds(2)).toEqual(['h1', 'h2']);
    });

    it('runs higher priority first and equal priority in enqueue order', async () => {
      await add(newTask('low', { priority: -5 }), newTask('a'), newTask('high', { priority: 10 }), newTask('b'), newTask('c'));
      await add(newTask('d'), newTask('top', { priority: 10 }));
      expect((await engine.tasks.list(QUEUE, 'waiting', 0, 10)).map((t) => t.id)).toEqual(['high', 'top', 'a', 'b', 'c', 'd', 'low']);
      expect(await fetchIds(3)).toEqual(['high', 'top', 'a']);
      expect(await fetchIds(10)).toEqual(['b', 'c', 'd', 'low']);
    });

    it('runs a task put back in its old place after those enqueued before it and before those enqueued after it', async () => {
      await add(newTask('a'), newTask('b'), newTask('c'));
      const [a, b] = (await engine.tasks.fetch(QUEUE, request(2))).tasks;
      await add(newTask('d'), newTask('e'));
      expect(await engine.tasks.release(QUEUE, [b.lease])).toBe(1);
      await add(newTask('hi', { priority: 3 }), newTask('lo', { priority: -3 }));
      expect((await engine.tasks.list(QUEUE, 'waiting', 0, 10)).map((t) => t.id)).toEqual(['hi', 'b', 'c', 'd', 'e', 'lo']);
      expect((await engine.tasks.list(QUEUE, 'waiting', 2, 2)).map((t) => t.id)).toEqual(['c', 'd']);
      expect(await fetchIds(3)).toEqual(['hi', 'b', 'c']);
      expect(await engine.tasks.release(QUEUE, [a.lease])).toBe(1);
      expect(await fetchIds(10)).toEqual(['a', 'd', 'e', 'lo']);
    });

    it("keeps a task's place in line from its enqueue: a delayed or retried one goes ahead of those added after it", async () => {
      await add(newTask('late', { delayMs: 1_000 }), newTask('r', { maxAttempts: 2 }));
      const [r] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      expect(r.id).toBe('r');
      await engine.tasks.settle(QUEUE, [{ lease: r.lease, kind: 'failed', error: { message: 'again' }, then: { action: 'retry', delayMs: 1_000 } }], request(0));
      await add(newTask('w1'), newTask('w2'));
      expect(await fetchIds(1)).toEqual(['w1']);
      await engine.elapse(1_100);
      expect(await fetchIds(3)).toEqual(['late', 'r', 'w2']);
    });

    it('promotes a delayed task to waiting now, at its place in line, a retry backoff with its attempt count', async () => {
      await add(newTask('later', { delayMs: 60_000 }), newTask('r', { maxAttempts: 2 }));
      const [r] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      await engine.tasks.settle(QUEUE, [{ lease: r.lease, kind: 'failed', error: { message: 'again' }, then: { action: 'retry', delayMs: 60_000 } }], request(0));
      await add(newTask('w'));
      const before = await engine.schedules.now();
      expect(await engine.tasks.promote(QUEUE, 'r')).toBe(true);
      expect(await engine.tasks.promote(QUEUE, 'later')).toBe(true);
      // Waiting now: a second promote, and one of a task that is not delayed or absent, change nothing.
      expect(await engine.tasks.promote(QUEUE, 'later')).toBe(false);
      expect(await engine.tasks.promote(QUEUE, 'w')).toBe(false);
      expect(await engine.tasks.promote(QUEUE, 'nobody')).toBe(false);
      const info = await engine.tasks.get(QUEUE, 'later');
      expect(info).toMatchObject({ state: 'waiting' });
      expect(info!.runAt).toBeGreaterThanOrEqual(before);
      expect(info!.runAt).toBeLessThan(before + 60_000);
      expect(await engine.tasks.counts(QUEUE)).toMatchObject({ waiting: 3, delayed: 0 });
      // The failed attempt's retry time is now the promotion's, the rest of the entry as it was.
      const [failed] = (await engine.tasks.history(QUEUE, 'r'))!;
      expect(failed).toMatchObject({ attempt: 1, outcome: 'failed', error: { message: 'again' } });
      expect(failed.retryAt).toBeGreaterThanOrEqual(failed.endedAt!);
      expect(failed.retryAt).toBeLessThan(failed.endedAt! + 60_000);
      expect(failed.retryAt).toBe((await engine.tasks.get(QUEUE, 'r'))!.runAt);
      const tasks = (await engine.tasks.fetch(QUEUE, request(3))).tasks;
      expect(tasks.map((t) => [t.id, t.attempt])).toEqual([['later', 1], ['r', 2], ['w', 1]]);
      await complete(tasks[0], 'ran');
      expect(await engine.tasks.promote(QUEUE, 'later')).toBe(false);
    });

    it('wakes a waiting worker when it promotes a task', async () => {
      await add(newTask('later', { delayMs: 60_000 }));
      const waker = await engine.tasks.createWaker(QUEUE);
      try {
        // The add woke the queue (its task was the earliest delayed one): that wake-up is taken first.
        expect((await waker.fetchAfterNews(request(1), 100)).tasks).toEqual([]);
        const started = Date.now();
        const woken = waker.fetchAfterNews(request(1), 10_000);
        expect(await engine.tasks.promote(QUEUE, 'later')).toBe(true);
        expect((await woken).tasks.map((t) => t.id)).toEqual(['later']);
        // Woken by the promote, not by the wait's timeout.
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await waker.close();
      }
    });

    it('keeps a delayed task until it is due', async () => {
      // Half a second: on a real clock the fetch below must come before the due time even on a loaded machine
      // (a CI run once took 81 ms from the add to the fetch).
      await add(newTask('later', { delayMs: 500 }));
      const early = await engine.tasks.fetch(QUEUE, request(1));
      expect(early.tasks).toEqual([]);
      expect(early.nextDueInMs).not.toBeNull();
      expect(early.nextDueInMs!).toBeLessThanOrEqual(500);
      await engine.elapse(550);
      expect(await fetchIds(1)).toEqual(['later']);
    });

    it('runs a dependency diamond once, the last task after both branches, with their results', async () => {
      await add(newTask('A'));
      await add(newTask('B', { dependsOn: ['A'] }), newTask('C', { dependsOn: ['A'] }));
      await add(newTask('D', { dependsOn: ['B', 'C'] }));
      expect(await engine.tasks.get(QUEUE, 'D')).toMatchObject({ state: 'blocked', pendingDependencies: ['B', 'C'] });

      const run = async (expected: string[]) => {
        const { tasks } = await engine.tasks.fetch(QUEUE, request(10));
        expect(tasks.map((t) => t.id).sort()).toEqual(expected);
        return tasks;
      };
      const [a] = await run(['A']);
      await complete(a, 'a');
      const [b, c] = (await run(['B', 'C'])).sort((x, y) => (x.id < y.id ? -1 : 1));
      await complete(b, 'b');
      expect(await engine.tasks.get(QUEUE, 'D')).toMatchObject({ state: 'blocked', pendingDependencies: ['C'] });
      await run([]);
      await complete(c, 'c');
      const [d] = await run(['D']);
      expect(Object.fromEntries(await engine.tasks.dependencyResults(QUEUE, d.id))).toEqual({ B: 'b', C: 'c' });
      await complete(d, 'd');
      await run([]);
    });

    it('refuses a task whose dependency does not exist, writing nothing', async () => {
      const [result] = await add(newTask('orphan', { dependsOn: ['missing'] }));
      expect(result.error).toMatch(/no task missing/);
      expect(await engine.tasks.get(QUEUE, 'orphan')).toBeNull();
    });

    it('cancels a waiting task and not a running one', async () => {
      await add(newTask('x'), newTask('y'));
      expect(await engine.tasks.existing(QUEUE, ['x', 'y', 'never'])).toEqual([true, true, false]);
      expect(await engine.tasks.cancel(QUEUE, 'x')).toBe(true);
      expect(await engine.tasks.get(QUEUE, 'x')).toBeNull();
      expect(await engine.tasks.existing(QUEUE, ['x', 'y'])).toEqual([false, true]);
      const [y] = (await engine.tasks.fetch(QUEUE, request(1))).tasks;
      expect(await engine.tasks.cancel(QUEUE, y.id)).toBe(false);
    });

    it('lists a worker while its heartbeat lasts, and forgets it when it retires or stops beating', async () => {
      const worker = { instanceId: 'i1', host: 'h', pid: 1, startedAt: 5, queues: [{ queue: QUEUE, handlers: ['job'], concurrency: 2, running: 0, buffered: 0 }] };
      await engine.tasks.heartbeat(worker, 10_000);
      await engine.tasks.heartbeat({ ...worker, instanceId: 'i2' }, 1_000);
      const listed = await engine.tasks.workers();
      expect(listed.map((w) => w.instanceId).sort()).toEqual(['i1', 'i2']);
      expect(listed.find((w) => w.instanceId === 'i1')).toMatchObject({ ...worker, lastSeenAt: expect.any(Number) });
      await engine.elapse(1_100);
      expect((await engine.tasks.workers()).map((w) => w.instanceId)).toEqual(['i1']);
      await engine.tasks.retireWorker('i1');
      expect(await engine.tasks.workers()).toEqual([]);
    });

    it('hands a task over to a live worker that advertises its name, without using an attempt', async () => {
      const carrier = { instanceId: 'c', host: 'h', pid: 1, startedAt: 0, queues: [{ queue: QUEUE, handlers: ['other'], concurrency: 1, running: 0, buffered: 0 }] };
      await engine.tasks.heartbeat(carrier, 1_000);
      await add(newTask('o', { name: 'other' }), newTask('j'));
      const mine = (await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks;
      expect(mine.map((t) => t.id)).toEqual(['j']);
      expect(await engine.tasks.get(QUEUE, 'o')).toMatchObject({ state: 'waiting', attempts: 0 });
      expect(await engine.tasks.counts(QUEUE)).toMatchObject({ waiting: 1, active: 1 });
      const theirs = (await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['other'] })).tasks;
      expect(theirs).toMatchObject([{ id: 'o', attempt: 1 }]);

      // Once no live worker advertises the name, the task goes to whoever fetches (to end dead there).
      await add(newTask('o2', { name: 'other' }));
      expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toEqual([]);
      await engine.elapse(1_100);
      expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toMatchObject([{ id: 'o2', attempt: 1 }]);
    });

    it('hands a parked backlog to the carrier a fetch at a time, oldest first, none lost or run twice', async () => {
      const carrier = { instanceId: 'c', host: 'h', pid: 1, startedAt: 0, queues: [{ queue: QUEUE, handlers: ['other'], concurrency: 2, running: 0, buffered: 0 }] };
      await engine.tasks.heartbeat(carrier, 30_000);
      await add(...Array.from({ length: 7 }, (_, n) => newTask(`o${n}`, { name: 'other' })));
      expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toEqual([]);
      const taken: string[] = [];
      for (let round = 0; round < 4; round++) {
        taken.push(...(await engine.tasks.fetch(QUEUE, { ...request(2), handlerNames: ['other'] })).tasks.map((t) => t.id));
        // The worker without the handler fetches between the carrier's fetches, as it would in a deploy.
        expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toEqual([]);
      }
      expect(taken).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
      expect(await engine.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 7 });
    });

    /**
     * A rolling deploy: two live workers carry 'other', and one without it has parked six of its tasks. Returns
     * the second carrier's waker, with the wake-ups the adds and the parking left (one per key at most) taken.
     */
    const backlogParkedForTwoCarriers = async () => {
      const carrier = (id: string) => ({ instanceId: id, host: 'h', pid: 1, startedAt: 0, queues: [{ queue: QUEUE, handlers: ['other'], concurrency: 2, running: 0, buffered: 0 }] });
      await engine.tasks.heartbeat(carrier('c1'), 30_000);
      await engine.tasks.heartbeat(carrier('c2'), 30_000);
      await add(...Array.from({ length: 6 }, (_, n) => newTask(`o${n}`, { name: 'other' })));
      expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toEqual([]);
      const second = await engine.tasks.createWaker(QUEUE, ['other']);
      for (let i = 0; i < 3; i++) await second.fetchAfterNews({ ...request(0), handlerNames: ['other'] }, 100);
      return second;
    };

    it("wakes another of the name's carriers when one fetch leaves part of a parked backlog", async () => {
      const second = await backlogParkedForTwoCarriers();
      try {
        const started = Date.now();
        const woken = second.fetchAfterNews({ ...request(2), handlerNames: ['other'] }, 10_000);
        const first = (await engine.tasks.fetch(QUEUE, { ...request(2), handlerNames: ['other'] })).tasks;
        expect(first.map((t) => t.id)).toEqual(['o0', 'o1']);
        expect((await woken).tasks.map((t) => t.id)).toEqual(['o2', 'o3']);
        // Woken by the first carrier's fetch, not by the wait's timeout.
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await second.close();
      }
    });

    it("puts no parked task back, and wakes no other carrier, while the queue is paused", async () => {
      const second = await backlogParkedForTwoCarriers();
      await engine.tasks.pause(QUEUE);
      try {
        const woken = second.fetchAfterNews({ ...request(2), handlerNames: ['other'] }, 1_000).then(() => 'woken or timed out');
        let settled = false;
        void woken.then(() => (settled = true));
        expect((await engine.tasks.fetch(QUEUE, { ...request(2), handlerNames: ['other'] })).tasks).toEqual([]);
        // Nothing was put back for the paused fetch: the worker without the handler finds nothing to park again.
        expect((await engine.tasks.fetch(QUEUE, { ...request(5), handlerNames: ['job'] })).tasks).toEqual([]);
        // No wake-up came of it: the other carrier's wait is still on (a wake-up would have ended it at once).
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(settled).toBe(false);
        await woken;
        await engine.tasks.resume(QUEUE);
        expect((await engine.tasks.fetch(QUEUE, { ...request(2), handlerNames: ['other'] })).tasks.map((t) => t.id)).toEqual(['o0', 'o1']);
      } finally {
        await second.close();
      }
    });

    it('fires a schedule occurrence once: a firing with a stale due time or revision is refused', async () => {
      const definition: ScheduleDefinition = {
        id: 'tick', queue: QUEUE, name: 'job', payloadJson: '{"n":1}', spec: { cron: null, every: 1_000, timezone: null }, priority: 0,
        maxAttempts: 1, backoff: null, timeoutMs: 0, removeOnComplete: null, removeOnDead: null,
      };
      const now = await engine.schedules.now();
      expect((await engine.schedules.save(definition, now + 30)).status).toBe('created');
      expect((await engine.schedules.save(definition, now + 99_999)).status).toBe('unchanged');
      expect((await engine.schedules.due(now, 10)).due).toEqual([]);
      await engine.elapse(60);
      const { due } = await engine.schedules.due(await engine.schedules.now(), 10);
      expect(due).toHaveLength(1);
      const [state] = due;
      const fire = { queue: QUEUE, id: 'tick', due: state.next, revision: state.revision, nextDue: state.next + 1_000 };
      expect(await engine.schedules.fire([fire])).toEqual(['added']);
      expect(await engine.schedules.fire([fire])).toEqual([null]);
      const occurrence = `tick@${state.next}`;
      expect(await engine.tasks.get(QUEUE, occurrence)).toMatchObject({ name: 'job', payload: { n: 1 } });

      await engine.schedules.save({ ...definition, payloadJson: '{"n":2}' }, 0);
      const [changed] = await engine.schedules.list();
      expect(changed).toMatchObject({ next: state.next + 1_000, payload: { n: 2 } });
      expect(await engine.schedules.fire([{ ...fire, due: changed.next, revision: state.revision }])).toEqual([null]);
      expect(await engine.schedules.remove('tick')).toBe(true);
      expect(await engine.schedules.list()).toEqual([]);
      expect(await engine.schedules.fire([{ ...fire, due: changed.next, revision: changed.revision }])).toEqual([null]);

      // Made again with the first occurrence's due time: that occurrence's task exists, so firing adds nothing.
      await engine.schedules.save(definition, state.next);
      const [again] = (await engine.schedules.due(await engine.schedules.now(), 10)).due;
      expect(again.next).toBe(state.next);
      expect(await engine.schedules.fire([{ ...fire, revision: again.revision }])).toEqual(['existed']);
    });

    describeEventContract(open);
    describeLimitContract(open);
    describeLifecycleContract(open);
    describeBatchContract(open);
    describeScheduleContract(open);
  });
  describeMaintenanceContract(open);
  describeInsightsContract(open);
}
