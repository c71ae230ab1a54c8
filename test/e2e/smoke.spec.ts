import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

@Injectable()
class EchoTasks {
  @TaskHandler('echo')
  async echo(payload: { n: number }, task: TaskContext) {
    await task.progress(50);
    return { doubled: payload.n * 2, attempt: task.attempt };
  }
}

describe('smoke', () => {
  const prefix = uniquePrefix('smoke');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [EchoTasks]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('runs a task and returns its result', async () => {
    const ref = await t.queue.enqueue('echo', { n: 21 });
    expect(ref.queue).toBe('default');
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ doubled: 42, attempt: 1 });
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'completed', attempts: 1, progress: 50, result: { doubled: 42, attempt: 1 } });
  });
});
