import { kitOf, QUEUE, newTask, request, type OpenEngine } from './contract-kit.js';

/**
 * Settles and fetches of many tasks at once, as a busy worker makes them: the
 * store may batch its writes per call, and nothing a task sees may change.
 */
export function describeBatchContract(factory: OpenEngine): void {
  describe('batched enqueues', () => {
    const open = kitOf(factory);

    it('gives each task of a call its own options, whether its neighbours share them or not', async () => {
      const e = await open();
      const plain = (id: string) => newTask(id);
      const tasks = [
        plain('p1'),
        newTask('o1', { name: 'other', maxAttempts: 7, backoff: { type: 'exponential', delay: 50, maxDelay: 900 }, timeoutMs: 1_234 }),
        plain('p2'),
        newTask('hi', { priority: 5, removeOnComplete: 'remove', removeOnDead: { age: 60_000, count: null } }),
        newTask('later', { delayMs: 60_000 }),
        plain('p3'),
      ];
      const results = await e.add(...tasks);
      expect(results.map((r) => [r.ref.id, r.created])).toEqual(tasks.map((t) => [t.id, true]));
      const fetched = await e.take(10);
      expect(fetched.map((t) => [t.id, t.name, t.maxAttempts, t.backoff, t.timeoutMs])).toEqual([
        ['hi', 'job', 3, null, 0],
        ['p1', 'job', 3, null, 0],
        ['o1', 'other', 7, { type: 'exponential', delay: 50, maxDelay: 900 }, 1_234],
        ['p2', 'job', 3, null, 0],
        ['p3', 'job', 3, null, 0],
      ]);
      expect(await e.tasks.get(QUEUE, 'later')).toMatchObject({ state: 'delayed', priority: 0, maxAttempts: 3 });
      // 'hi' keeps its own retention: removed at once when it completes, where its neighbours are kept.
      expect(await e.complete(fetched[0], 1)).toBe(true);
      expect(await e.complete(fetched[1], 1)).toBe(true);
      expect(await e.tasks.get(QUEUE, 'hi')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'p1')).toMatchObject({ state: 'completed' });
    });

    it('adds nothing twice: an id taken before the call, or repeated within it, is reported as existing and the rest are added', async () => {
      const e = await open();
      await e.add(newTask('old', { payloadJson: '"first"' }));
      const results = await e.add(newTask('a'), newTask('old', { payloadJson: '"second"' }), newTask('b'), newTask('a', { payloadJson: '"again"' }), newTask('c'));
      expect(results.map((r) => [r.ref.id, r.created, r.error])).toEqual([
        ['a', true, undefined],
        ['old', false, undefined],
        ['b', true, undefined],
        ['a', false, undefined],
        ['c', true, undefined],
      ]);
      expect(await e.tasks.get(QUEUE, 'old')).toMatchObject({ payload: 'first' });
      expect(await e.tasks.get(QUEUE, 'a')).toMatchObject({ payload: { id: 'a' } });
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 4 });
      expect((await e.events()).filter((ev) => ev.type === 'enqueued').map((ev) => ev.id)).toEqual(['old', 'a', 'b', 'c']);
    });

    it('answers a re-send of a task that exists with its ref, though a dependency it named is gone, and refuses nothing', async () => {
      const e = await open();
      await e.add(newTask('dep', { removeOnComplete: 'remove' }));
      await e.add(newTask('notify', { dependsOn: ['dep'] }), newTask('plain'));
      const [dep] = await e.take(1);
      await e.complete(dep, 'done');
      expect(await e.tasks.get(QUEUE, 'dep')).toBeNull();
      const again = await e.add(newTask('notify', { dependsOn: ['dep'] }), newTask('plain', { dependsOn: ['dep'] }), newTask('new'));
      expect(again.map((r) => [r.ref.id, r.created, r.error])).toEqual([
        ['notify', false, undefined],
        ['plain', false, undefined],
        ['new', true, undefined],
      ]);
      // A task that does not exist still needs its dependencies.
      const refused = await e.add(newTask('fresh', { dependsOn: ['dep'] }));
      expect(refused[0].error).toMatch(/^dependsOn: no task dep in this queue/);
    });

    it('answers such a re-send in a batch sent as several calls (over 1,000 tasks) the same way', async () => {
      const e = await open();
      await e.add(newTask('dep', { removeOnComplete: 'remove' }));
      await e.add(newTask('notify', { dependsOn: ['dep'] }));
      await e.complete((await e.take(1))[0], 'done');
      expect(await e.tasks.get(QUEUE, 'dep')).toBeNull();
      const filler = Array.from({ length: 1_000 }, (_, i) => newTask(`f${i}`));
      const again = await e.add(newTask('notify', { dependsOn: ['dep'] }), ...filler);
      expect(again[0]).toMatchObject({ ref: { id: 'notify' }, created: false });
      expect(again.filter((r) => r.error !== undefined)).toEqual([]);
      expect(again.filter((r) => r.created)).toHaveLength(1_000);
      // A task that does not exist still needs its dependencies, in such a batch too: nothing is written.
      const refused = await e.add(newTask('fresh', { dependsOn: ['dep'] }), ...Array.from({ length: 1_000 }, (_, i) => newTask(`g${i}`)));
      expect(refused[0].error).toMatch(/^dependsOn: no task dep in this queue/);
      expect(await e.tasks.get(QUEUE, 'g0')).toBeNull();
    });

    it('ends dead a task of the call whose dependency, earlier in it, ended dead on arrival and was removed at once, writing the rest', async () => {
      const e = await open();
      await e.add(newTask('broke', { maxAttempts: 1 }));
      await e.fail((await e.take(1))[0], { action: 'dead' }, 'broke');
      const results = await e.add(
        newTask('first'),
        newTask('gone', { dependsOn: ['broke'], removeOnDead: 'remove' }),
        newTask('after', { dependsOn: ['gone'] }),
        newTask('tolerant', { dependsOn: ['gone'], dependencyFailure: 'run' }),
      );
      expect(results.map((r) => [r.ref.id, r.created, r.error])).toEqual([
        ['first', true, undefined],
        ['gone', true, undefined],
        ['after', true, undefined],
        ['tolerant', true, undefined],
      ]);
      expect(await e.tasks.get(QUEUE, 'gone')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'after')).toMatchObject({ state: 'dead', error: { message: 'dependency gone ended dead' } });
      // A repeat of such an id in one call existed, as any repeat does, whatever it depends on.
      const repeat = await e.add(newTask('gone2', { dependsOn: ['broke'], removeOnDead: 'remove' }), newTask('gone2', { dependsOn: ['nowhere'] }));
      expect(repeat.map((r) => [r.ref.id, r.created, r.error])).toEqual([
        ['gone2', true, undefined],
        ['gone2', false, undefined],
      ]);
      expect(await e.tasks.get(QUEUE, 'gone2')).toBeNull();
      expect((await e.take(5)).map((t) => t.id).sort()).toEqual(['first', 'tolerant']);
    });

    it('finds a taken id past the first 1,000 tasks of a call, and adds all the others', async () => {
      const e = await open();
      await e.add(newTask('t1000', { payloadJson: '"first"' }));
      const ids = Array.from({ length: 1_001 }, (_, i) => `t${i}`);
      const results = await e.add(...ids.map((id) => newTask(id)));
      expect(results.filter((r) => !r.created).map((r) => r.ref.id)).toEqual(['t1000']);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 1_001 });
      expect(await e.tasks.get(QUEUE, 't1000')).toMatchObject({ payload: 'first' });
      expect(await e.tasks.get(QUEUE, 't999')).toMatchObject({ payload: { id: 't999' } });
    });

    it('keeps a payload whole whatever whitespace its JSON holds, tabs and newlines included', async () => {
      const e = await open();
      await e.add(newTask('ws', { payloadJson: '{\t"a":\n[1,\t2]}' }), newTask('next'));
      expect(await e.tasks.get(QUEUE, 'ws')).toMatchObject({ payload: { a: [1, 2] } });
      expect(await e.tasks.get(QUEUE, 'next')).toMatchObject({ payload: { id: 'next' } });
    });
  });

  describe('batched settles and fetches', () => {
    const open = kitOf(factory);

    it('fetches and settles 1,500 tasks in one call each, removing them at once, with nothing left behind', async () => {
      const e = await open();
      const ids = Array.from({ length: 1_500 }, (_, i) => `b${i}`);
      await e.add(...ids.map((id) => newTask(id, { removeOnComplete: 'remove', payloadJson: JSON.stringify({ id }) })));
      const { tasks } = await e.tasks.fetch(QUEUE, request(1_500));
      expect(tasks.map((t) => t.id)).toEqual(ids);
      expect(tasks.every((t) => (t.payload as { id: string }).id === t.id)).toBe(true);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 1_500 });
      const outcomes = tasks.map((t) => ({ lease: t.lease, kind: 'completed' as const, resultJson: '1' }));
      const reply = await e.tasks.settle(QUEUE, outcomes, request(0));
      expect(reply.settled).toEqual(ids.map(() => true));
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 0, completed: 0 });
      expect(await e.tasks.get(QUEUE, 'b0')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'b1499')).toBeNull();
    });

    it('settles one attempt once when a call names it twice', async () => {
      const e = await open();
      await e.add(newTask('twice', { removeOnComplete: 'remove' }), newTask('kept'));
      const [twice, kept] = await e.take(2);
      const outcome = (lease: typeof twice.lease) => ({ lease, kind: 'completed' as const, resultJson: '"done"' });
      const reply = await e.tasks.settle(QUEUE, [outcome(twice.lease), outcome(twice.lease), outcome(kept.lease), outcome(kept.lease)], request(0));
      expect(reply.settled).toEqual([true, false, true, false]);
      const completed = (await e.events()).filter((ev) => ev.type === 'completed').map((ev) => ev.id);
      expect(completed).toEqual(['twice', 'kept']);
      expect(await e.tasks.get(QUEUE, 'kept')).toMatchObject({ state: 'completed', result: 'done' });
    });

    it("keeps a dead task whose own retention keeps it when a module retention of none removes another in the same call", async () => {
      const e = await open({ retention: { dead: { count: 0 } } });
      await e.add(newTask('kept', { maxAttempts: 1, removeOnDead: { age: null, count: 5 } }), newTask('dropped', { maxAttempts: 1 }));
      const tasks = await e.take(2);
      const outcomes = tasks.map((t) => ({ lease: t.lease, kind: 'failed' as const, error: { message: t.id }, then: { action: 'dead' as const } }));
      expect((await e.tasks.settle(QUEUE, outcomes, request(0))).settled).toEqual([true, true]);
      expect(await e.tasks.get(QUEUE, 'dropped')).toBeNull();
      expect(await e.tasks.get(QUEUE, 'kept')).toMatchObject({ state: 'dead', error: { message: 'kept' } });
    });

    it('gives a task retried at once in a settle that fetches it again a lease that the settle does not end', async () => {
      const e = await open();
      await e.add(newTask('again', { maxAttempts: 3 }));
      const [first] = await e.take(1);
      const reply = await e.tasks.settle(
        QUEUE,
        [{ lease: first.lease, kind: 'failed', error: { message: 'once' }, then: { action: 'retry', delayMs: 0 } }],
        request(1),
      );
      expect(reply.settled).toEqual([true]);
      expect(reply.tasks.map((t) => [t.id, t.attempt])).toEqual([['again', 2]]);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 1 });
      // The new lease holds: recovery finds nothing expired, and the second attempt settles.
      expect(await e.tasks.recover(QUEUE)).toMatchObject({ requeued: 0, dead: 0 });
      expect(await e.complete(reply.tasks[0], 2)).toBe(true);
      expect(await e.tasks.get(QUEUE, 'again')).toMatchObject({ state: 'completed', attempts: 2 });
    });
  });
}
