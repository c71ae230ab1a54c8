import { z } from 'zod';
import { TaskPayloadError, defineTask } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// schedule() takes a definition as enqueue does: its payload is type-checked,
// its schema runs on the payload when the schedule is made (each occurrence
// would otherwise end dead on it), and in an app without the handler the
// definition's options (queue, attempts, ...) apply to the occurrences.

const Digest = defineTask<{ user: string }>('digest.send', { queue: 'digests', attempts: 4, schema: z.object({ user: z.string().min(1) }) });

describe('TaskQueue.schedule with a definition', () => {
  it("schedules the definition's task in its queue, with its options, from an app without its handler", async () => {
    const t = await startTestingApp([], { mode: 'fake' });
    try {
      const info = await t.queue.schedule('daily-digest', Digest, { user: 'ada' }, { every: 60_000 });
      expect(info).toMatchObject({ id: 'daily-digest', name: 'digest.send', queue: 'digests', payload: { user: 'ada' } });
      const ref = await t.tester.fireSchedule('daily-digest');
      expect(ref.queue).toBe('digests');
      expect(t.tester.enqueued(Digest)).toEqual([expect.objectContaining({ queue: 'digests', payload: { user: 'ada' }, options: expect.objectContaining({ attempts: 4 }) })]);
    } finally {
      await t.close();
    }
  });

  it('refuses a payload its schema refuses, and saves nothing', async () => {
    const t = await startTestingApp([], { mode: 'fake' });
    try {
      const refused = await t.queue.schedule('bad-digest', Digest, { user: '' }, { every: 60_000 }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(TaskPayloadError);
      expect((refused as Error).message).toMatch(/schedule\('bad-digest'\)/);
      expect(await t.queue.schedules()).toEqual([]);
      // @ts-expect-error: the definition's payload type is checked
      await expect(t.queue.schedule('typed', Digest, { usr: 'ada' }, { every: 60_000 })).rejects.toThrow(TaskPayloadError);
    } finally {
      await t.close();
    }
  });
});
