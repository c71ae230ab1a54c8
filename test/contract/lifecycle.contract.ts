import { kitOf, QUEUE, WORKER, newTask, request, type OpenEngine } from './contract-kit.js';

/** Values, times, retention, dependency failures and lease housekeeping, as the worker and the test mode see them. */
export function describeLifecycleContract(factory: OpenEngine): void {
  describe('values, retention and dependencies', () => {
    const open = kitOf(factory);

    it('gives back payloads, results and progress as JSON round-tripped them, with the enqueue time', async () => {
      const e = await open();
      const payload = { text: 'naïve ✓ 日本', nested: [1, { deep: null }], big: 2 ** 52 };
      await e.add(newTask('v', { payloadJson: JSON.stringify(payload) }));
      const [task] = await e.take(1);
      expect(task.payload).toEqual(payload);
      const info = await e.tasks.get(QUEUE, 'v');
      expect(task.enqueuedAt).toBe(info!.enqueuedAt);
      expect(info!.enqueuedAt).toBeGreaterThan(1_600_000_000_000);
      await e.tasks.progress(QUEUE, task.lease, '{"done":3,"of":4}');
      expect((await e.tasks.get(QUEUE, 'v'))!.progress).toEqual({ done: 3, of: 4 });
      await e.complete(task, { at: '2026-01-01T00:00:00.000Z', list: [true, 'x'] });
      expect((await e.tasks.get(QUEUE, 'v'))!.result).toEqual({ at: '2026-01-01T00:00:00.000Z', list: [true, 'x'] });
    });

    it('runs a task with runAt when that time comes, and a blocked one with a delay that long after it unblocks', async () => {
      const e = await open();
      const now = await e.schedules.now();
      // A second each way: on Redis the calls in between must fit in it on a busy machine.
      await e.add(newTask('at', { runAt: now + 1_000 }), newTask('first'));
      await e.add(newTask('then', { dependsOn: ['first'], delayMs: 1_000 }));
      expect((await e.tasks.get(QUEUE, 'at'))!).toMatchObject({ state: 'delayed', runAt: now + 1_000 });
      const [first] = await e.take(1);
      await e.complete(first, 1);
      expect(await e.tasks.get(QUEUE, 'then')).toMatchObject({ state: 'delayed' });
      await e.elapse(1_100);
      expect((await e.take(5)).map((t) => t.id).sort()).toEqual(['at', 'then']);
    });

    it('removes a task at once with its own removeOnComplete, and keeps the newest under the module retention', async () => {
      const e = await open({ retention: { completed: { count: 1 } } });
      // k1 finishes first (or in the same ms, when ties go by id): it is the oldest either way.
      await e.add(newTask('gone', { removeOnComplete: 'remove' }), newTask('k1'), newTask('k2'));
      for (const task of await e.take(3)) await e.complete(task, task.id);
      expect(await e.tasks.get(QUEUE, 'gone')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'k1')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'k2')).toMatchObject({ state: 'completed', result: 'k2' });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 1 });
    });

    it('keeps results for a dependent after retention removed its dependency', async () => {
      const e = await open();
      await e.add(newTask('dep', { removeOnComplete: 'remove' }));
      await e.add(newTask('next', { dependsOn: ['dep'] }));
      const [dep] = await e.take(1);
      await e.complete(dep, { url: 'u' });
      expect(await e.tasks.get(QUEUE, 'dep')).toBeNull();
      const [next] = await e.take(1);
      expect(Object.fromEntries(await e.tasks.dependencyResults(QUEUE, next.id))).toEqual({ dep: { url: 'u' } });
    });

    it("ends dependents dead down the graph when a dependency dies, except those that run anyway", async () => {
      const e = await open();
      await e.add(newTask('root', { maxAttempts: 1 }));
      await e.add(newTask('mid', { dependsOn: ['root'] }), newTask('tolerant', { dependsOn: ['root'], dependencyFailure: 'run' }));
      await e.add(newTask('leaf', { dependsOn: ['mid'] }));
      const [root] = await e.take(1);
      await e.fail(root, { action: 'dead' }, 'root broke');
      expect(await e.tasks.get(QUEUE, 'mid')).toMatchObject({ state: 'dead', error: { message: 'dependency root ended dead: root broke' } });
      expect(await e.tasks.get(QUEUE, 'leaf')).toMatchObject({ state: 'dead', error: { message: 'dependency mid ended dead: its dependency root ended dead' } });
      expect((await e.take(5)).map((t) => t.id)).toEqual(['tolerant']);
    });

    it('removes a finished task as retention does and an unfinished one as cancel does, never a running one', async () => {
      const e = await open();
      await e.add(newTask('done'), newTask('broke', { maxAttempts: 1 }), newTask('runs'), newTask('later', { delayMs: 60_000 }));
      const [done, broke] = await e.take(3);
      await e.complete(done, 'ok');
      await e.fail(broke, { action: 'dead' }, 'broke');
      await e.add(newTask('waits', { dependsOn: ['later'] }));
      expect(await e.tasks.remove(QUEUE, 'done')).toBe('finished');
      expect(await e.tasks.get(QUEUE, 'done')).toBeNull();
      expect(await e.tasks.remove(QUEUE, 'broke')).toBe('finished');
      expect(await e.tasks.remove(QUEUE, 'runs')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'runs')).toMatchObject({ state: 'active' });
      // Unfinished: as cancel, its dependents told it ended dead.
      expect(await e.tasks.remove(QUEUE, 'later')).toBe('unfinished');
      expect(await e.tasks.get(QUEUE, 'waits')).toMatchObject({ state: 'dead', error: { message: 'dependency later ended dead: it was removed' } });
      expect(await e.tasks.remove(QUEUE, 'nothing')).toBeNull();
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, delayed: 0, blocked: 0, active: 1, completed: 0, dead: 1 });
      expect((await e.tasks.list(QUEUE, 'dead', 0, 10)).map((t) => t.id)).toEqual(['waits']);
    });

    it("tells a dependency's end only to tasks that depend on it, not to a new task under a removed dependent's id", async () => {
      const e = await open();
      // y dies through w while x is unfinished: x's dependents still name y.
      await e.add(newTask('x'), newTask('w', { maxAttempts: 1 }));
      await e.add(newTask('y', { dependsOn: ['x', 'w'] }));
      const [x, w] = await e.take(2);
      await e.fail(w, { action: 'dead' }, 'w broke');
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ state: 'dead' });
      expect(await e.tasks.remove(QUEUE, 'y')).toBe('finished');
      // The id is free again: a new y that depends on z only.
      await e.add(newTask('z', { delayMs: 60_000 }));
      await e.add(newTask('y', { name: 'report2', dependsOn: ['z'] }));
      expect((await e.tasks.relations(QUEUE, 'x'))!.dependents).toEqual([]);
      await e.fail(x, { action: 'dead' }, 'x broke');
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ name: 'report2', state: 'blocked' });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ blocked: 1, dead: 2 });
      // Under the id again, a plain delayed task (a record of its own, no dependencies): not x's dependent either.
      expect(await e.tasks.remove(QUEUE, 'y')).toBe('unfinished');
      await e.add(newTask('y', { delayMs: 60_000 }));
      expect((await e.tasks.relations(QUEUE, 'x'))!.dependents).toEqual([]);
    });

    it("gives a dependency's result only to tasks that depend on it", async () => {
      const e = await open();
      await e.add(newTask('x'), newTask('w', { maxAttempts: 1 }));
      await e.add(newTask('y', { dependsOn: ['x', 'w'] }));
      const [x, w] = await e.take(2);
      await e.fail(w, { action: 'dead' }, 'w broke');
      await e.tasks.remove(QUEUE, 'y');
      await e.add(newTask('z'));
      await e.add(newTask('y', { dependsOn: ['z'] }));
      await e.complete(x, 'x result');
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ state: 'blocked' });
      const [z] = await e.take(1);
      await e.complete(z, 'z result');
      const [y] = await e.take(1);
      expect(Object.fromEntries(await e.tasks.dependencyResults(QUEUE, y.id))).toEqual({ z: 'z result' });
    });

    it('ends a task dead by recovery or through a dependency as settle does: by its own retention, a count of 0 removing only it', async () => {
      const e = await open({ retention: { dead: { count: 0 } } });
      // Kept by their own retention, where the module keeps no dead task.
      await e.add(newTask('kept', { maxAttempts: 1, removeOnDead: { age: null, count: 100 } }));
      await e.add(newTask('c', { maxAttempts: 1, removeOnDead: { age: null, count: 100 } }));
      await e.add(newTask('d', { dependsOn: ['c'], removeOnDead: { age: null, count: 100 } }));
      await e.add(newTask('e', { dependsOn: ['c'] }));
      const [kept, c] = await e.take(2);
      await e.fail(kept, { action: 'dead' }, 'kept broke');
      expect(await e.tasks.get(QUEUE, 'kept')).toMatchObject({ state: 'dead' });
      await e.fail(c, { action: 'dead' }, 'c broke');
      // d keeps itself; e, under the module's count of 0, goes at once and takes no other with it.
      expect((await e.tasks.list(QUEUE, 'dead', 0, 10)).map((t) => t.id).sort()).toEqual(['c', 'd', 'kept']);
      expect(await e.tasks.get(QUEUE, 'e')).toBeNull();
      // A lease that runs out on the last attempt: the module's count of 0 removes that task, and only it.
      await e.add(newTask('lost', { maxAttempts: 1 }));
      await e.tasks.fetch(QUEUE, request(1, 1));
      await e.elapse(30);
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 0, dead: 1 });
      expect(await e.tasks.get(QUEUE, 'lost')).toBeNull();
      expect((await e.tasks.list(QUEUE, 'dead', 0, 10)).map((t) => t.id).sort()).toEqual(['c', 'd', 'kept']);
    });

    it("applies a recovered task's own dead retention, as settle does", async () => {
      const e = await open();
      await e.add(newTask('gone', { maxAttempts: 1, removeOnDead: { age: null, count: 0 } }), newTask('stays', { maxAttempts: 1 }));
      await e.tasks.fetch(QUEUE, request(2, 1));
      await e.elapse(30);
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 0, dead: 2 });
      expect(await e.tasks.get(QUEUE, 'gone')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'stays')).toMatchObject({ state: 'dead', error: { message: expect.stringMatching(/^attempt 1 was lost/) } });
    });

    it('takes a task with more dependencies than a Lua call can hold at once, and blocks it again when retried', async () => {
      const e = await open();
      // Past Lua's unpack limit (about 8,000 values): one SADD or RPUSH of them all would fail half-way through the enqueue.
      const deps = Array.from({ length: 8_100 }, (_, i) => newTask(`d${i}`, { maxAttempts: 1 }));
      await e.add(...deps);
      expect(await e.add(newTask('y', { dependsOn: deps.map((d) => d.id) }))).toEqual([{ ref: { queue: QUEUE, id: 'y' }, created: true }]);
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ state: 'blocked' });
      expect((await e.tasks.relations(QUEUE, 'y'))!.dependencies).toHaveLength(8_100);
      const [d0] = await e.take(1);
      await e.fail(d0, { action: 'dead' }, 'd0 broke');
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ state: 'dead' });
      // Retried: it waits again for the 8,099 still waiting.
      expect(await e.tasks.retry(QUEUE, 'y')).toBe(true);
      expect(await e.tasks.get(QUEUE, 'y')).toMatchObject({ state: 'blocked' });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 8_099, blocked: 1, dead: 1 });
    });

    it("removes finished tasks past their retention's age at recovery, in a queue where nothing finishes to trim them", async () => {
      const e = await open({ retention: { completed: { age: 1_000 }, dead: { age: 1_000 } } });
      await e.add(newTask('done'), newTask('broke', { maxAttempts: 1 }), newTask('kept', { removeOnComplete: { age: 600_000, count: null } }));
      const [done, broke, kept] = await e.take(3);
      await e.complete(done, 'ok');
      await e.fail(broke, { action: 'dead' }, 'broke');
      await e.complete(kept, 'ok');
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 0, dead: 0 });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 2, dead: 1 });
      // The queue goes quiet past the age: no finish trims it, recovery does.
      await e.elapse(1_100);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 2, dead: 1 });
      await e.tasks.recover(QUEUE);
      expect(await e.tasks.get(QUEUE, 'done')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'broke')).toBeNull();
      // Its own retention keeps it for ten minutes.
      expect(await e.tasks.get(QUEUE, 'kept')).toMatchObject({ state: 'completed' });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 1, dead: 0 });
    });

    it('trims nothing when a task whose own retention is false finishes, and the age sweep keeps it, as BullMQ keeps it', async () => {
      const e = await open({ retention: { completed: { count: 1, age: 1_000 } } });
      // removeOnComplete: false, as the module options resolve it.
      const keep = { age: Number.MAX_SAFE_INTEGER, count: Number.MAX_SAFE_INTEGER };
      await e.add(newTask('a'), newTask('kept', { removeOnComplete: keep }));
      const [a, kept] = await e.take(2);
      await e.complete(a, 'a');
      // Past the module's count of 1, but its own limits trim nothing.
      await e.complete(kept, 'kept');
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 2 });
      await e.elapse(1_100);
      await e.tasks.recover(QUEUE);
      expect(await e.tasks.get(QUEUE, 'kept')).toMatchObject({ state: 'completed', result: 'kept' });
      expect(await e.tasks.get(QUEUE, 'a')).toBeNull();
    });

    it('sweeps past a run of kept tasks at the old end: the ones behind them still go by age', async () => {
      const e = await open({ retention: { completed: { count: 10_000, age: 1_000 } } });
      const keep = { age: Number.MAX_SAFE_INTEGER, count: Number.MAX_SAFE_INTEGER };
      // More kept tasks at the old end than a sweep read from there in one run (it read 4 pages of 100).
      const kept = Array.from({ length: 450 }, (_, i) => newTask(`k${i}`, { removeOnComplete: keep }));
      await e.add(...kept);
      for (const task of await e.take(450)) await e.complete(task, 1);
      await e.elapse(5);
      await e.add(...Array.from({ length: 20 }, (_, i) => newTask(`n${i}`)));
      for (const task of await e.take(20)) await e.complete(task, 1);
      await e.elapse(1_100);
      // Each run reads a page at a random rank past the first 100: about one in three reaches the 20 (each run
      // is independent, so 100 runs all missing is a chance of about 1e-17).
      for (let run = 0; run < 100 && (await e.tasks.counts(QUEUE)).completed > 450; run++) {
        await e.tasks.recover(QUEUE);
        await e.elapse(3);
      }
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 450 });
      expect(await e.tasks.get(QUEUE, 'n19')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'k0')).toMatchObject({ state: 'completed' });
    });

    it('keeps every finished task with the module retention false', async () => {
      const e = await open({ retention: { completed: false, dead: false } });
      await e.add(...['c1', 'c2', 'c3'].map((id) => newTask(id)), newTask('d1', { maxAttempts: 1 }));
      const [c1, c2, c3, d1] = await e.take(4);
      for (const task of [c1, c2, c3]) await e.complete(task, task.id);
      await e.fail(d1, { action: 'dead' }, 'd1 broke');
      await e.elapse(1_100);
      await e.tasks.recover(QUEUE);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ completed: 3, dead: 1 });
    });

    it('ends the dependents of a cancelled task dead', async () => {
      const e = await open();
      await e.add(newTask('base', { delayMs: 60_000 }));
      await e.add(newTask('waits', { dependsOn: ['base'] }));
      expect(await e.tasks.cancel(QUEUE, 'waits')).toBe(true);
      await e.add(newTask('waits2', { dependsOn: ['base'] }));
      expect(await e.tasks.cancel(QUEUE, 'base')).toBe(true);
      expect(await e.tasks.get(QUEUE, 'waits2')).toMatchObject({ state: 'dead', error: { message: 'dependency base ended dead: it was cancelled' } });
    });

    it("reports a task leased to a worker that did not name it once it is old enough, and release hands it back", async () => {
      const e = await open();
      await e.add(newTask('orphan'), newTask('other'));
      const [task] = await e.take(1);
      // Another worker's lease is never reported.
      await e.tasks.fetch(QUEUE, { ...request(1), workerToken: 'someone-else' });
      expect(await e.tasks.renew(QUEUE, WORKER, [], 30_000, 60_000)).toEqual({ lost: [], orphans: [] });
      await e.elapse(30);
      const { orphans } = await e.tasks.renew(QUEUE, WORKER, [], 30_000, 10);
      // Named exactly: its id, its token and when it started, as the fetch said.
      expect(orphans).toEqual([{ id: 'orphan', token: task.lease.token, startedAt: task.startedAt }]);
      expect(await e.tasks.get(QUEUE, 'orphan')).toMatchObject({ state: 'active', attempts: 1, startedAt: task.startedAt });
      // Reported only: still the worker's until it decides. A release naming another start leaves it.
      expect(await e.tasks.release(QUEUE, [{ ...task.lease, startedAt: task.startedAt - 1 }])).toBe(0);
      expect(await e.tasks.release(QUEUE, orphans)).toBe(1);
      expect(await e.tasks.get(QUEUE, 'orphan')).toMatchObject({ state: 'waiting', attempts: 0, startedAt: null });
      expect(await e.complete(task, 'late')).toBe(false);
      // Fetched again by the same worker, as the same attempt: another start, so another token; the old report no longer matches it.
      await e.elapse(5);
      const [again] = await e.take(1);
      expect(again.attempt).toBe(task.attempt);
      expect(again.lease.token).not.toBe(task.lease.token);
      expect(again.startedAt).toBeGreaterThan(task.startedAt);
      expect(await e.tasks.release(QUEUE, orphans)).toBe(0);
      expect(await e.tasks.get(QUEUE, 'orphan')).toMatchObject({ state: 'active', attempts: 1 });
    });

    it('neither extends nor hands back an unrecorded lease, and recovery counts its attempt', async () => {
      const e = await open();
      await e.add(newTask('ran', { maxAttempts: 3 }), newTask('runs'));
      const [ran, runs] = (await e.tasks.fetch(QUEUE, request(2, 1_000))).tasks;
      await e.elapse(30);
      // 'ran' ran but its outcome never reached the store: listed as unrecorded, old enough to be an orphan.
      expect(await e.tasks.renew(QUEUE, WORKER, [runs.lease], 5_000, 10, [ran.lease])).toEqual({ lost: [], orphans: [] });
      expect(await e.tasks.get(QUEUE, 'ran')).toMatchObject({ state: 'active', attempts: 1 });
      await e.elapse(1_000);
      // 'runs' was extended by 5 s; 'ran' was not, and its lease ran out.
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 1, dead: 0 });
      expect(await e.tasks.get(QUEUE, 'ran')).toMatchObject({ state: 'waiting', attempts: 1 });
      expect(await e.tasks.get(QUEUE, 'runs')).toMatchObject({ state: 'active' });
      expect(await e.tasks.renew(QUEUE, WORKER, [runs.lease], 5_000, 10, [ran.lease])).toEqual({ lost: ['ran'], orphans: [] });
      expect(await e.take(1)).toEqual([expect.objectContaining({ id: 'ran', attempt: 2 })]);
    });

    it("refuses a stalled run's lease once its task was recovered, retried and taken again by the same worker", async () => {
      const e = await open();
      await e.add(newTask('t', { maxAttempts: 1 }));
      const [stale] = (await e.tasks.fetch(QUEUE, request(1, 1))).tasks;
      await e.elapse(30);
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 0, dead: 1 });
      expect(await e.tasks.retry(QUEUE, 't')).toBe(true);
      // Attempt 1 again, for the same worker: the stalled run's lease must not pass for this one.
      const [fresh] = await e.take(1);
      expect(fresh.attempt).toBe(stale.attempt);
      expect(fresh.lease.token).not.toBe(stale.lease.token);
      expect(await e.tasks.renew(QUEUE, WORKER, [stale.lease], 30_000, 60_000)).toEqual({ lost: ['t'], orphans: [] });
      await e.tasks.progress(QUEUE, stale.lease, '50');
      expect(await e.complete(stale, 'stale result')).toBe(false);
      expect(await e.tasks.get(QUEUE, 't')).toMatchObject({ state: 'active' });
      expect((await e.tasks.get(QUEUE, 't'))!.progress).toBeUndefined();
      expect(await e.complete(fresh, 'fresh result')).toBe(true);
      expect(await e.tasks.get(QUEUE, 't')).toMatchObject({ state: 'completed', result: 'fresh result' });
    });

    it('wakes a waiting worker when a task is added, and its fetch brings the task', async () => {
      const e = await open();
      const waker = await e.tasks.createWaker(QUEUE);
      try {
        const started = Date.now();
        const woken = waker.fetchAfterNews(request(5), 10_000);
        await e.add(newTask('w'));
        const reply = await woken;
        // Woken by the add, not by the timeout, and leased by the same call.
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(reply.tasks.map((t) => t.id)).toEqual(['w']);
        expect(await e.tasks.get(QUEUE, 'w')).toMatchObject({ state: 'active', attempts: 1 });
      } finally {
        await waker.close();
      }
    });

    it('ends a wait when poked: its fetch runs at once, and a poke with no wait ends the next one', async () => {
      const e = await open();
      const waker = await e.tasks.createWaker(QUEUE);
      try {
        let started = Date.now();
        const woken = waker.fetchAfterNews(request(5), 10_000);
        // The blocking call must have reached the store before the poke, or the poke would only end the next wait.
        await e.elapse(300);
        waker.poke();
        expect((await woken).tasks).toEqual([]);
        expect(Date.now() - started).toBeLessThan(5_000);
        waker.poke();
        await e.elapse(300);
        await e.add(newTask('later'), newTask('later2'));
        started = Date.now();
        expect((await waker.fetchAfterNews(request(5), 10_000)).tasks.map((t) => t.id)).toEqual(['later', 'later2']);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await waker.close();
      }
    });

    it('lets the fetch of a wait in progress reply when closed, then refuses new waits', async () => {
      const e = await open();
      const waker = await e.tasks.createWaker(QUEUE);
      const woken = waker.fetchAfterNews(request(5), 10_000);
      await e.elapse(300);
      const started = Date.now();
      await waker.close();
      expect((await woken).tasks).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(waker.fetchAfterNews(request(5), 10)).rejects.toThrow('queue waker is closed');
    });
  });
}
