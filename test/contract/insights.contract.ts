import { ENDED_DEPENDENTS_MAX } from '../../lib/engine/new-task.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import { QUEUE, kitOf, newTask, request, type EngineUnderTest, type Kit } from './contract-kit.js';

/**
 * The contract of the TaskInsights part of the port (throughput counters,
 * attempt history, relations), the name filter of list and TaskInfo.traceId:
 * what the dashboard reads. Called from describeEngineContract.
 */
export function describeInsightsContract(open: () => Promise<EngineUnderTest>): void {
  describe('throughput, history, relations and the name filter', () => {
    const openKit = kitOf(open);
    let engine: Kit;
    beforeEach(async () => {
      engine = await openKit();
    });

    const add = (...tasks: NewTask[]) => engine.add(...tasks);
    const take = async (count: number, leaseMs = 30_000) => (await engine.tasks.fetch(QUEUE, request(count, leaseMs))).tasks;
    const error = { message: 'boom', name: 'Error', stack: 'Error: boom\n    at handler' };

    it('counts completed and failed attempts per minute, one point per minute, oldest first', async () => {
      const empty = await engine.tasks.throughput(QUEUE, 60);
      expect(empty).toHaveLength(60);
      expect(empty.every((p) => p.completed === 0 && p.failed === 0)).toBe(true);
      expect(empty[59].minute - empty[0].minute).toBe(59 * 60_000);
      expect(empty[0].minute % 60_000).toBe(0);

      await add(newTask('c1'), newTask('c2'), newTask('r', { maxAttempts: 3 }), newTask('d', { maxAttempts: 1 }));
      const tasks = await take(4);
      const byId = new Map(tasks.map((t) => [t.id, t]));
      await engine.tasks.settle(
        QUEUE,
        [
          { lease: byId.get('c1')!.lease, kind: 'completed', resultJson: '1' },
          { lease: byId.get('c2')!.lease, kind: 'completed', resultJson: '2' },
          { lease: byId.get('r')!.lease, kind: 'failed', error, then: { action: 'retry', delayMs: 0 } },
          { lease: byId.get('d')!.lease, kind: 'failed', error, then: { action: 'dead' } },
        ],
        request(0),
      );
      // A rate-limited attempt is handed back, not failed: it is not counted.
      const [again] = await take(1);
      await engine.tasks.settle(QUEUE, [{ lease: again.lease, kind: 'limited', error, delayMs: 0 }], request(0));

      const points = await engine.tasks.throughput(QUEUE, 3);
      expect(points).toHaveLength(3);
      expect(points[1].minute - points[0].minute).toBe(60_000);
      // Summed: the settle may have fallen either side of a minute boundary.
      expect(points.reduce((sum, p) => sum + p.completed, 0)).toBe(2);
      expect(points.reduce((sum, p) => sum + p.failed, 0)).toBe(2);
    });

    it('keeps each failed attempt with its error and retry time, then the running and completed one; gone with the task', async () => {
      await add(newTask('h', { maxAttempts: 3, removeOnComplete: { age: 60_000, count: 100 } }));
      expect(await engine.tasks.history(QUEUE, 'h')).toEqual([]);
      let [task] = await take(1);
      const running = await engine.tasks.history(QUEUE, 'h');
      expect(running).toEqual([{ attempt: 1, startedAt: expect.any(Number), endedAt: null, outcome: 'running', run: 1 }]);
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error, then: { action: 'retry', delayMs: 40 } }], request(0));
      const [first] = (await engine.tasks.history(QUEUE, 'h'))!;
      expect(first).toMatchObject({ attempt: 1, outcome: 'failed', error: { message: 'boom', stack: error.stack }, run: 1 });
      expect(first.startedAt).toBeGreaterThan(0);
      expect(first.endedAt).toBeGreaterThanOrEqual(first.startedAt);
      expect(first.retryAt).toBe(first.endedAt! + 40);

      await engine.elapse(60);
      [task] = await take(1);
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
      const done = (await engine.tasks.history(QUEUE, 'h'))!;
      expect(done.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'failed'], [2, 'completed']]);
      expect(done[1].endedAt).toBeGreaterThanOrEqual(done[1].startedAt);
      expect(await engine.tasks.history(QUEUE, 'missing')).toBeNull();

      await add(newTask('x', { maxAttempts: 1 }));
      [task] = await take(1);
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error, then: { action: 'dead' } }], request(0));
      const dead = (await engine.tasks.history(QUEUE, 'x'))!;
      expect(dead).toEqual([{ attempt: 1, startedAt: expect.any(Number), endedAt: expect.any(Number), outcome: 'dead', error: expect.objectContaining({ message: 'boom' }), run: 1 }]);
      expect(await engine.tasks.clean(QUEUE, 'dead', 0, null)).toEqual(['x']);
      expect(await engine.tasks.history(QUEUE, 'x')).toBeNull();
    });

    it('keeps the runs before a retry from dead, each attempt naming its run, up to three runs of attempts', async () => {
      await add(newTask('again', { maxAttempts: 2 }));
      const failRun = async (run: number) => {
        for (let attempt = 1; attempt <= 2; attempt++) {
          const [task] = await take(1);
          const then = attempt === 2 ? ({ action: 'dead' } as const) : ({ action: 'retry', delayMs: 0 } as const);
          await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { ...error, message: `run ${run} attempt ${attempt}` }, then }], request(0));
        }
      };
      await failRun(1);
      expect(await engine.tasks.retry(QUEUE, 'again')).toBe(true);
      const [task] = await take(1);
      // The retried run's attempt runs beside the first run's failures, which it does not push out.
      expect((await engine.tasks.history(QUEUE, 'again'))!.map((a) => [a.run, a.attempt, a.outcome])).toEqual([
        [1, 1, 'failed'],
        [1, 2, 'dead'],
        [2, 1, 'running'],
      ]);
      await engine.tasks.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { ...error, message: 'run 2 attempt 1' }, then: { action: 'retry', delayMs: 0 } }], request(0));
      const [last] = await take(1);
      await engine.tasks.settle(QUEUE, [{ lease: last.lease, kind: 'failed', error: { ...error, message: 'run 2 attempt 2' }, then: { action: 'dead' } }], request(0));
      // retryAll starts a run too; a fourth run pushes out the first, the list keeping three runs of attempts.
      expect(await engine.tasks.retryDead(QUEUE, null)).toBe(1);
      await failRun(3);
      expect(await engine.tasks.retry(QUEUE, 'again')).toBe(true);
      await failRun(4);
      const kept = (await engine.tasks.history(QUEUE, 'again'))!;
      expect(kept.map((a) => [a.run, a.attempt, a.outcome, a.error?.message])).toEqual([
        [2, 1, 'failed', 'run 2 attempt 1'],
        [2, 2, 'dead', 'run 2 attempt 2'],
        [3, 1, 'failed', 'run 3 attempt 1'],
        [3, 2, 'dead', 'run 3 attempt 2'],
        [4, 1, 'failed', 'run 4 attempt 1'],
        [4, 2, 'dead', 'run 4 attempt 2'],
      ]);
    });

    it('counts a lost lease as a failed attempt, in the history and the throughput', async () => {
      await add(newTask('lost', { maxAttempts: 2 }));
      await take(1, 30);
      await engine.elapse(60);
      expect(await engine.tasks.recover(QUEUE)).toMatchObject({ requeued: 1, dead: 0 });
      const [attempt] = (await engine.tasks.history(QUEUE, 'lost'))!;
      expect(attempt).toMatchObject({ attempt: 1, outcome: 'failed', error: { message: expect.stringContaining('was lost') } });
      expect(attempt.retryAt).toBe(attempt.endedAt);
      const points = await engine.tasks.throughput(QUEUE, 2);
      expect(points.reduce((sum, p) => sum + p.failed, 0)).toBe(1);
    });

    it('lists every dependency as enqueued and the dependents still stored', async () => {
      await add(newTask('a'), newTask('b'), newTask('plain'));
      await add(newTask('c', { dependsOn: ['a', 'b'] }), newTask('d', { dependsOn: ['a'] }));
      expect(await engine.tasks.relations(QUEUE, 'plain')).toEqual({ dependencies: [], dependents: [] });
      expect(await engine.tasks.relations(QUEUE, 'missing')).toBeNull();
      const [a] = await take(1);
      expect(a.id).toBe('a');
      await engine.tasks.settle(QUEUE, [{ lease: a.lease, kind: 'completed', resultJson: '1' }], request(0));
      // a finished: c still lists it, and a still lists both dependents.
      expect(await engine.tasks.relations(QUEUE, 'c')).toEqual({ dependencies: ['a', 'b'], dependents: [] });
      expect(await engine.tasks.relations(QUEUE, 'a')).toEqual({ dependencies: [], dependents: ['c', 'd'] });
      expect(await engine.tasks.cancel(QUEUE, 'c')).toBe(true);
      expect(await engine.tasks.relations(QUEUE, 'a')).toEqual({ dependencies: [], dependents: ['d'] });
    });

    it('lists a dependent enqueued after its dependency ended, completed or dead, among its dependents', async () => {
      await add(newTask('done'), newTask('failed', { maxAttempts: 1 }), newTask('open'));
      const taken = new Map((await take(2)).map((t) => [t.id, t]));
      await engine.tasks.settle(
        QUEUE,
        [
          { lease: taken.get('done')!.lease, kind: 'completed', resultJson: '1' },
          { lease: taken.get('failed')!.lease, kind: 'failed', error, then: { action: 'dead' } },
        ],
        request(0),
      );
      // late: ran at once on both ended ones; blocked: still waits for 'open'; doomed: dead on arrival through
      // 'failed', and listed by 'open' too; gone: dead on arrival and removed at once, listed by none.
      await add(
        newTask('late', { dependsOn: ['done', 'failed'], dependencyFailure: 'run' }),
        newTask('blocked', { dependsOn: ['done', 'open'] }),
        newTask('doomed', { dependsOn: ['failed', 'open'] }),
        newTask('gone', { dependsOn: ['failed', 'open'], removeOnDead: 'remove' }),
      );
      expect(await engine.tasks.get(QUEUE, 'gone')).toBeNull();
      expect(await engine.tasks.relations(QUEUE, 'done')).toEqual({ dependencies: [], dependents: ['blocked', 'late'] });
      expect(await engine.tasks.relations(QUEUE, 'failed')).toEqual({ dependencies: [], dependents: ['doomed', 'late'] });
      expect(await engine.tasks.relations(QUEUE, 'open')).toEqual({ dependencies: [], dependents: ['blocked', 'doomed'] });
      // Cancelled, it is no longer listed by the dependency that had ended before it came.
      expect(await engine.tasks.cancel(QUEUE, 'blocked')).toBe(true);
      expect(await engine.tasks.relations(QUEUE, 'done')).toEqual({ dependencies: [], dependents: ['late'] });
      // Removing the ended dependency takes its list of dependents with it.
      expect(await engine.tasks.remove(QUEUE, 'done')).not.toBeNull();
      expect(await engine.tasks.relations(QUEUE, 'done')).toBeNull();
      expect(await engine.tasks.relations(QUEUE, 'late')).toEqual({ dependencies: ['done', 'failed'], dependents: [] });
    });

    it('lists tasks without their payload, result and progress on request, in every state, the rest the same', async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(10_000) });
      // Taken first (priority 5): one to complete, one to end dead, one left running.
      await add(newTask('done', { priority: 5 }), newTask('dead', { priority: 5, maxAttempts: 1 }), newTask('running', { priority: 5 }));
      await add(
        newTask('w-compact'), newTask('w-big', { name: 'big', payloadJson: big }), newTask('w-high', { priority: 3 }), newTask('d', { delayMs: 60_000 }),
        newTask('b', { dependsOn: ['w-compact'] }),
      );
      const taken = new Map((await take(3)).map((t) => [t.id, t]));
      expect([...taken.keys()]).toEqual(['done', 'dead', 'running']);
      await engine.tasks.settle(
        QUEUE,
        [
          { lease: taken.get('done')!.lease, kind: 'completed', resultJson: JSON.stringify({ big }) },
          { lease: taken.get('dead')!.lease, kind: 'failed', error, then: { action: 'dead' } },
        ],
        request(0),
      );
      const without = ({ payload: _p, result: _r, progress: _g, ...rest }: Record<string, unknown>) => rest;
      for (const state of ['waiting', 'delayed', 'blocked', 'active', 'completed', 'dead'] as const) {
        const full = await engine.tasks.list(QUEUE, state, 0, 100, null, true);
        const summaries = await engine.tasks.list(QUEUE, state, 0, 100, null, false);
        expect(full.length).toBeGreaterThan(0);
        expect(summaries).toEqual(full.map((t) => without(t as unknown as Record<string, unknown>)));
        for (const summary of summaries) expect(Object.keys(summary)).not.toEqual(expect.arrayContaining(['payload']));
      }
      // With a name filter too.
      const named = await engine.tasks.list(QUEUE, 'waiting', 0, 10, 'big', false);
      expect(named.map((t) => t.id)).toEqual(['w-big']);
      expect(named.every((t) => !('payload' in t))).toBe(true);
    });

    it('lists at most 10,000 dependents enqueued after the task ended, so a long-kept task does not grow a member per task', async () => {
      await add(newTask('gate'));
      const [gate] = await take(1);
      await engine.tasks.settle(QUEUE, [{ lease: gate.lease, kind: 'completed', resultJson: '1' }], request(0));
      for (let from = 0; from < ENDED_DEPENDENTS_MAX + 5; from += 1_000) {
        const count = Math.min(1_000, ENDED_DEPENDENTS_MAX + 5 - from);
        await add(...Array.from({ length: count }, (_, i) => newTask(`after-${from + i}`, { dependsOn: ['gate'] })));
      }
      const { dependents } = (await engine.tasks.relations(QUEUE, 'gate'))!;
      expect(dependents).toHaveLength(ENDED_DEPENDENTS_MAX);
      // Each still names it among its own dependencies, and ran (it had nothing to wait for).
      expect(await engine.tasks.relations(QUEUE, `after-${ENDED_DEPENDENTS_MAX + 4}`)).toEqual({ dependencies: ['gate'], dependents: [] });
      expect((await engine.tasks.counts(QUEUE)).waiting).toBe(ENDED_DEPENDENTS_MAX + 5);
    }, 60_000);

    it('filters a page by task name, the offset counting tasks of that name', async () => {
      await add(newTask('x1', { name: 'x' }), newTask('y1', { name: 'y' }), newTask('x2', { name: 'x' }), newTask('x3', { name: 'x' }));
      const ids = async (offset: number, limit: number, name: string) => (await engine.tasks.list(QUEUE, 'waiting', offset, limit, name)).map((t) => t.id);
      expect(await ids(0, 10, 'x')).toEqual(['x1', 'x2', 'x3']);
      expect(await ids(1, 1, 'x')).toEqual(['x2']);
      expect(await ids(0, 10, 'y')).toEqual(['y1']);
      expect(await ids(0, 10, 'none')).toEqual([]);
      const [first] = await take(1);
      expect((await engine.tasks.list(QUEUE, 'active', 0, 10, 'x')).map((t) => t.id)).toEqual([first.id]);
      expect(await engine.tasks.list(QUEUE, 'active', 0, 10, 'y')).toEqual([]);
      await engine.tasks.settle(QUEUE, [{ lease: first.lease, kind: 'failed', error, then: { action: 'dead' } }], request(0));
      expect((await engine.tasks.list(QUEUE, 'dead', 0, 10, 'x')).map((t) => t.id)).toEqual(['x1']);
    });

    it('filters by name across more than a thousand tasks, in run order, with the wait set and wait list merged', async () => {
      // Priorities mixed, so waiting tasks sit in both the wait set and the wait list; Redis reads a state a thousand entries at a time.
      const tasks = Array.from({ length: 2_500 }, (_, i) =>
        newTask(`t${i}`, { name: i % 3 === 0 ? 'x' : 'y', priority: i % 5 === 0 ? 1 : 0, delayMs: i % 2 === 0 ? 60_000 + i : 0 }),
      );
      await add(...tasks);
      const waitingX = tasks.filter((t, i) => t.name === 'x' && i % 2 === 1);
      const runOrder = [...waitingX.filter((t) => t.priority === 1), ...waitingX.filter((t) => t.priority === 0)].map((t) => t.id);
      const named = async (state: 'waiting' | 'delayed', offset: number, limit: number) => (await engine.tasks.list(QUEUE, state, offset, limit, 'x')).map((t) => t.id);
      expect(await named('waiting', 0, 1_000)).toEqual(runOrder);
      expect(await named('waiting', 300, 20)).toEqual(runOrder.slice(300, 320));
      const dueOrder = tasks.filter((t, i) => t.name === 'x' && i % 2 === 0).map((t) => t.id);
      expect(await named('delayed', 380, 40)).toEqual(dueOrder.slice(380, 420));
      expect(await named('delayed', 0, 1_000)).toEqual(dueOrder);
    });

    it('shows the trace id of a task enqueued with a trace context, and none without', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await add(newTask('t', { traceContext: JSON.stringify({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` }) }), newTask('u'));
      expect((await engine.tasks.get(QUEUE, 't'))?.traceId).toBe(traceId);
      expect(await engine.tasks.get(QUEUE, 'u')).not.toHaveProperty('traceId');
    });
  });
}
