import { WaitForAbortedError } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// An app that shuts down stops following its queues' events, so a waitFor
// still pending could only run out its timeout (and keep the process alive
// until then). It ends at the shutdown instead, saying why.
describe('waitFor when the app shuts down', () => {
  const prefix = uniquePrefix('waitfor-shutdown');

  afterAll(() => removePrefix(prefix));

  it('rejects pending waits with WaitForAbortedError at close, not at their timeout, and refuses new ones', async () => {
    const app = await startTaskApp(prefix, [], { worker: false });
    const queue = app.queue;
    const refs = [await queue.enqueue('shutdown.never-run', { n: 1 }), await queue.enqueue('shutdown.never-run', { n: 2 }, { queue: 'other' })];
    const started = Date.now();
    const waits = refs.map((ref) => queue.waitFor(ref, { timeout: 60_000 }).then(() => 'resolved', (error: unknown) => error));
    // Both are following their queue's events before the app closes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.close();
    const errors = await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(10_000);
    errors.forEach((error, i) => {
      expect(error).toBeInstanceOf(WaitForAbortedError);
      expect(error).toMatchObject({ name: 'WaitForAbortedError', taskId: refs[i].id, queue: refs[i].queue });
      expect((error as Error).message).toMatch(/the app is shutting down/);
    });
    await expect(queue.waitFor(refs[0], { timeout: 60_000 })).rejects.toBeInstanceOf(WaitForAbortedError);
  });
});
