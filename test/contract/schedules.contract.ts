import type { ScheduleDefinition } from '../../lib/engine/schedule-engine.js';
import { QUEUE, kitOf, newTask, request, type OpenEngine } from './contract-kit.js';

const every = (id: string, queue: string, ms = 60_000): ScheduleDefinition => ({
  id, queue, name: 'job', payloadJson: 'null', spec: { cron: null, every: ms, timezone: null }, priority: 0,
  maxAttempts: 2, backoff: { type: 'fixed', delay: 5 }, timeoutMs: 100, removeOnComplete: null, removeOnDead: 'remove',
});

/** What the schedule firer and TaskQueue.schedules() rely on beyond a single firing. */
export function describeScheduleContract(factory: OpenEngine): void {
  describe('schedules', () => {
    const open = kitOf(factory);

    it('reports due schedules earliest first per queue, the next one after now, and whether a queue had more', async () => {
      const e = await open();
      const now = await e.schedules.now();
      await e.schedules.save(every('b', 'q1'), now - 20);
      await e.schedules.save(every('a', 'q1'), now - 30);
      await e.schedules.save(every('c', 'q2'), now - 10);
      await e.schedules.save(every('later', 'q2'), now + 50_000);
      const { due, upcoming, more } = await e.schedules.due(now, 1);
      expect(due.map((s) => s.id).sort()).toEqual(['a', 'c']);
      expect(more).toBe(true);
      expect(upcoming).toBe(now + 50_000);
      expect(due.find((s) => s.id === 'a')).toMatchObject({ queue: 'q1', payload: null, maxAttempts: 2, backoff: { type: 'fixed', delay: 5 }, timeoutMs: 100, removeOnDead: 'remove' });
    });

    it('keeps one mark of what it holds while it holds it, through saves and removals', async () => {
      const e = await open();
      const mark = await e.schedules.generation();
      expect(mark).not.toBe('');
      const now = await e.schedules.now();
      await e.schedules.save(every('kept', 'q1'), now + 1_000);
      await e.schedules.remove('kept');
      expect(await Promise.all([e.schedules.generation(), e.schedules.generation()])).toEqual([mark, mark]);
    });

    it('gives each firing the policy saved with the schedule, and moves a schedule to another queue afresh', async () => {
      const e = await open();
      const now = await e.schedules.now();
      await e.schedules.save(every('tick', 'q1'), now - 5);
      const [state] = (await e.schedules.due(now, 10)).due;
      expect(await e.schedules.fire([{ queue: 'q1', id: 'tick', due: state.next, revision: state.revision, nextDue: null }])).toEqual(['added']);
      expect(await e.tasks.get('q1', `tick@${state.next}`)).toMatchObject({ maxAttempts: 2, state: 'waiting' });
      expect(await e.schedules.list()).toEqual([]);

      await e.schedules.save(every('mover', 'q1'), now + 1_000);
      const saved = await e.schedules.save(every('mover', 'q2'), now + 2_000);
      expect(saved).toEqual({ next: now + 2_000, status: 'created' });
      expect((await e.schedules.list()).map((s) => [s.id, s.queue])).toEqual([['mover', 'q2']]);
    });

    it("enqueues each occurrence with the schedule's priority, ahead of the line; a new priority alone keeps the due time", async () => {
      const e = await open();
      const now = await e.schedules.now();
      await e.add(newTask('plain-1'), newTask('plain-2'));
      expect(await e.schedules.save({ ...every('urgent', QUEUE), priority: 5 }, now - 5)).toEqual({ next: now - 5, status: 'created' });
      expect(await e.schedules.save({ ...every('urgent', QUEUE), priority: 5 }, now + 9_000)).toEqual({ next: now - 5, status: 'unchanged' });
      expect(await e.schedules.save({ ...every('urgent', QUEUE), priority: 3 }, now + 9_000)).toEqual({ next: now - 5, status: 'updated' });
      const [state] = (await e.schedules.due(now, 10)).due;
      expect(state).toMatchObject({ id: 'urgent', priority: 3 });
      expect(await e.schedules.fire([{ queue: QUEUE, id: 'urgent', due: state.next, revision: state.revision, nextDue: now + 60_000 }])).toEqual(['added']);
      expect(await e.tasks.get(QUEUE, `urgent@${state.next}`)).toMatchObject({ priority: 3, state: 'waiting' });
      // Enqueued last, it runs first.
      const taken = (await e.tasks.fetch(QUEUE, request(3, 30_000))).tasks.map((t) => t.id);
      expect(taken).toEqual([`urgent@${state.next}`, 'plain-1', 'plain-2']);
    });
  });
}
