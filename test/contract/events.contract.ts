import { compareEventIds } from '../../lib/engine/event-order.js';
import { kitOf, QUEUE, newTask, type OpenEngine } from './contract-kit.js';

/**
 * What events(), waitFor and @OnTaskEvent rely on: every state change is an
 * event with the task's name, in order, with growing ids a reader resumes
 * from; a queue with events off still writes the final event of an awaited task.
 */
export function describeEventContract(factory: OpenEngine): void {
  describe('events', () => {
    const open = kitOf(factory);

    it('writes every step of a task, each with its name, attempt and value, in order', async () => {
      const e = await open();
      await e.add(newTask('a', { name: 'email.send', maxAttempts: 2 }));
      let [task] = await e.take(1);
      expect(await e.tasks.progress(QUEUE, task.lease, '{"step":1}')).toBe(true);
      await e.fail(task, { action: 'retry', delayMs: 0 }, 'flaky');
      [task] = await e.take(1);
      await e.complete(task, { messageId: 'm-1' });

      const events = await e.events();
      expect(events.map((ev) => [ev.type, ev.name, ev.attempt])).toEqual([
        ['enqueued', 'email.send', undefined],
        ['started', 'email.send', 1],
        ['progress', 'email.send', 1],
        ['retrying', 'email.send', 1],
        ['started', 'email.send', 2],
        ['completed', 'email.send', 2],
      ]);
      expect(events.every((ev) => ev.queue === QUEUE && ev.id === 'a' && typeof ev.at === 'number')).toBe(true);
      expect(events[2].progress).toEqual({ step: 1 });
      expect(events[3].error).toMatchObject({ message: 'flaky' });
      expect(events[5].result).toEqual({ messageId: 'm-1' });
      for (let i = 1; i < events.length; i++) expect(compareEventIds(events[i - 1].eventId, events[i].eventId)).toBeLessThan(0);
      expect(await e.tasks.lastEventId(QUEUE)).toBe(events.at(-1)!.eventId);
    });

    it('resumes a reader after a given event, and wakes a blocked read when an event comes', async () => {
      const e = await open();
      expect(await e.tasks.lastEventId(QUEUE)).toBe('0-0');
      await e.add(newTask('first'));
      const mark = await e.tasks.lastEventId(QUEUE);
      const reader = await e.tasks.openEventReader(QUEUE);
      try {
        const pending = reader.read(mark, 5_000);
        await e.add(newTask('second'));
        const { events, lastId } = await pending;
        expect(events.map((ev) => [ev.type, ev.id])).toEqual([['enqueued', 'second']]);
        expect(lastId).toBe(events[0].eventId);
        expect((await reader.read(lastId, 1)).events).toEqual([]);
      } finally {
        reader.close();
      }
    });

    it('writes only the final event of an awaited task when the queue has events off', async () => {
      const e = await open({ queues: { [QUEUE]: { events: false } } });
      await e.add(newTask('watched'), newTask('ignored'));
      expect(await e.tasks.watch(QUEUE, 'watched')).toEqual({ final: null, lastEventId: '0-0' });
      expect(await e.tasks.watch(QUEUE, 'missing')).toBeUndefined();
      const tasks = await e.take(2);
      for (const task of tasks) await e.complete(task, task.id);
      const events = await e.events();
      expect(events.map((ev) => [ev.type, ev.id, ev.result])).toEqual([['completed', 'watched', 'watched']]);
    });

    it('gives the final state of a task removed at once as it finished, from its final event', async () => {
      const e = await open();
      await e.add(newTask('gone', { removeOnComplete: 'remove' }), newTask('failed', { maxAttempts: 1, removeOnDead: 'remove' }));
      const [gone, failed] = await e.take(2);
      await e.complete(gone, { sent: true });
      await e.fail(failed, { action: 'dead' }, 'no luck');
      expect(await e.tasks.get(QUEUE, 'gone')).toBeNull();
      expect(await e.tasks.watch(QUEUE, 'gone')).toMatchObject({ final: { state: 'completed', result: { sent: true } } });
      expect(await e.tasks.watch(QUEUE, 'failed')).toMatchObject({ final: { state: 'dead', error: { message: 'no luck' } } });
      expect(await e.tasks.watch(QUEUE, 'never')).toBeUndefined();
    });

    it('writes a dead event for a task whose dependency is already dead, and re-enqueues a retried task', async () => {
      const e = await open();
      await e.add(newTask('dep', { maxAttempts: 1 }));
      const [dep] = await e.take(1);
      await e.fail(dep, { action: 'dead' }, 'no luck');
      await e.add(newTask('child', { dependsOn: ['dep'] }));
      expect(await e.tasks.get(QUEUE, 'child')).toMatchObject({ state: 'dead', error: { message: 'dependency dep ended dead' } });
      expect(await e.tasks.retry(QUEUE, 'dep')).toBe(true);
      expect(await e.tasks.retry(QUEUE, 'dep')).toBe(false);
      expect(await e.tasks.get(QUEUE, 'dep')).toMatchObject({ state: 'waiting', attempts: 0, finishedAt: null });
      const types = (await e.events()).map((ev) => `${ev.type}:${ev.id}`);
      expect(types).toEqual(['enqueued:dep', 'started:dep', 'dead:dep', 'enqueued:child', 'dead:child', 'enqueued:dep']);
    });
  });
}
