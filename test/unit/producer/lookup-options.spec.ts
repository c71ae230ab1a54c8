import { InvalidTaskOptionsError } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// A lookup by id with a typo in its options ({ queu: 'emails' }) used to look
// in 'default', find nothing and answer null or false: it is refused now.

describe('TaskQueue lookups by id', () => {
  it('refuse unknown option keys, naming them, and options that are not an object', async () => {
    const t = await startTestingApp([], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('mail.send', null, { queue: 'emails' });
      const typo = { queu: 'emails' } as never;
      await expect(t.queue.get(ref.id, typo)).rejects.toThrow(/^get: unknown option 'queu' \(known: queue\)$/);
      for (const call of [t.queue.remove(ref.id, typo), t.queue.cancel(ref.id, typo), t.queue.retry(ref.id, typo), t.queue.logs(ref.id, typo)]) {
        await expect(call).rejects.toBeInstanceOf(InvalidTaskOptionsError);
      }
      await expect(t.queue.waitFor(ref.id, { queue: 'emails', timeout: 10, whileWaiting: true } as never)).rejects.toThrow(/^waitFor: unknown option 'whileWaiting' \(known: queue, timeout\)$/);
      await expect(t.queue.get(ref.id, 'emails' as never)).rejects.toThrow(/get: options must be an object \{ queue\? \}/);
      // The same lookups, written right, find the task.
      expect(await t.queue.get(ref.id, { queue: 'emails' })).toMatchObject({ state: 'waiting' });
      expect(await t.queue.remove(ref.id, { queue: 'emails' })).toBe(true);
    } finally {
      await t.close();
    }
  });
});
