import { kitOf, QUEUE, newTask, request, type OpenEngine } from './contract-kit.js';

/** Pause, the queue's rate limit, handlers' fleet-wide limits, and the counts and lists that show them. */
export function describeLimitContract(factory: OpenEngine): void {
  describe('pause, limits and counts', () => {
    const open = kitOf(factory);

    it('hands out nothing while paused, and says so in the counts', async () => {
      const e = await open();
      await e.add(newTask('p1'));
      await e.tasks.pause(QUEUE);
      expect(await e.take(1)).toEqual([]);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 1, paused: true });
      await e.tasks.resume(QUEUE);
      expect((await e.take(1)).map((t) => t.id)).toEqual(['p1']);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 0, active: 1, paused: false });
    });

    it('starts at most max tasks per window under a rate limit, and says when the window ends', async () => {
      const e = await open({ queues: { [QUEUE]: { rateLimit: { max: 2, perMs: 1_000 } } } });
      await e.add(newTask('r1'), newTask('r2'), newTask('r3'));
      const reply = await e.tasks.fetch(QUEUE, request(3));
      expect(reply.tasks.map((t) => t.id)).toEqual(['r1', 'r2']);
      const refused = await e.tasks.fetch(QUEUE, request(3));
      expect(refused.tasks).toEqual([]);
      expect(refused.nextDueInMs).toBeGreaterThan(0);
      expect(refused.nextDueInMs!).toBeLessThanOrEqual(1_000);
      await e.elapse(1_100);
      expect((await e.take(3)).map((t) => t.id)).toEqual(['r3']);
    });

    it("parks tasks of a handler at its fleet-wide limit, in their place, until a run of it ends", async () => {
      const e = await open();
      await e.add(newTask('g1', { name: 'limited' }), newTask('g2', { name: 'limited' }), newTask('o1', { name: 'other' }));
      const limits = new Map([['limited', 1]]);
      expect((await e.take(3, limits)).map((t) => t.id)).toEqual(['g1', 'o1']);
      expect(await e.tasks.counts(QUEUE)).toMatchObject({ waiting: 1, active: 2 });
      expect((await e.tasks.list(QUEUE, 'waiting', 0, 10)).map((t) => t.id)).toEqual(['g2']);
      expect(await e.take(3, limits)).toEqual([]);
      expect((await e.tasks.list(QUEUE, 'active', 0, 10)).map((t) => t.id).sort()).toEqual(['g1', 'o1']);
    });

    it('frees a parked task when the running one settles, and counts every state in one snapshot', async () => {
      const e = await open();
      const limits = new Map([['limited', 1]]);
      await e.add(newTask('g1', { name: 'limited' }), newTask('g2', { name: 'limited' }), newTask('later', { delayMs: 60_000 }));
      await e.add(newTask('blocked', { dependsOn: ['g2'] }));
      const [g1] = await e.take(2, limits);
      await e.complete(g1, 1);
      expect((await e.take(2, limits)).map((t) => t.id)).toEqual(['g2']);
      expect(await e.tasks.counts(QUEUE)).toEqual({ blocked: 1, waiting: 0, delayed: 1, active: 1, completed: 1, dead: 0, paused: false });
    });

    it('puts a rate-limited attempt back, delayed, without counting it', async () => {
      const e = await open();
      await e.add(newTask('l', { maxAttempts: 1 }));
      const [task] = await e.take(1);
      const outcome = { lease: task.lease, kind: 'limited' as const, error: { message: 'slow down' }, delayMs: 1_000 };
      expect((await e.tasks.settle(QUEUE, [outcome], request(0))).settled).toEqual([true]);
      expect(await e.tasks.get(QUEUE, 'l')).toMatchObject({ state: 'delayed', attempts: 0, error: { message: 'slow down' } });
      await e.elapse(1_100);
      expect(await e.take(1)).toMatchObject([{ id: 'l', attempt: 1 }]);
    });

    it('lists each state in its order: delayed by due time, finished ones by finish time', async () => {
      const e = await open();
      await e.add(newTask('d2', { delayMs: 60_000 }), newTask('d1', { delayMs: 30_000 }), newTask('x1'), newTask('x2'));
      expect((await e.tasks.list(QUEUE, 'delayed', 0, 10)).map((t) => t.id)).toEqual(['d1', 'd2']);
      const [x1] = await e.take(1);
      await e.complete(x1, 'one');
      await e.elapse(5);
      const [x2] = await e.take(1);
      await e.complete(x2, 'two');
      expect((await e.tasks.list(QUEUE, 'completed', 0, 10)).map((t) => t.id)).toEqual(['x1', 'x2']);
      expect((await e.tasks.list(QUEUE, 'completed', 1, 10)).map((t) => t.id)).toEqual(['x2']);
    });
  });
}
