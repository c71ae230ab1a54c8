import type { FetchedTask } from '../../lib/engine/attempt.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { openRedisEngine, type OwnRedisEngine } from '../fixtures/redis-engine.js';

// retryAll on Redis walks the dead set in bounded steps, and walks it again
// for a flow's dependents held back for their dependencies: between steps,
// workers go on. A dependency retried by this retryAll that has died again by
// the time its dependent's turn comes ends that dependent as it did the first
// time. (The in-memory engine retries in one pass: nothing happens between.)

describe('retryAll on Redis: a dependency that died again since the walk began', () => {
  let own: OwnRedisEngine;
  let engine: RedisTaskEngine;

  beforeAll(async () => {
    own = await openRedisEngine('retry-walks');
    engine = own.engine;
  });
  afterAll(async () => {
    await own?.close();
  });

  const add = (...tasks: NewTask[]) => engine.add(tasks.map((task) => ({ queue: QUEUE, task })));
  const take = async () => (await engine.fetch(QUEUE, request(1))).tasks[0];
  const die = (task: FetchedTask) => engine.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { message: 'broke again' }, then: { action: 'dead' } }], request(0));

  it('leaves the dependent dead, and retries one that runs anyway', async () => {
    await add(newTask('root', { maxAttempts: 1 }));
    await add(newTask('mid', { dependsOn: ['root'] }), newTask('tolerant', { dependsOn: ['root'], dependencyFailure: 'run', maxAttempts: 1 }));
    await die(await take());
    // tolerant ran anyway, and failed on its own.
    const ran = await take();
    expect(ran.id).toBe('tolerant');
    await die(ran);
    const began = (await engine.get(QUEUE, 'tolerant'))!.finishedAt!;
    // The retryAll begins (its cutoff), then root, retried meanwhile, dies again before mid's turn.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await engine.retry(QUEUE, 'root')).toBe(true);
    await die(await take());
    const bulk = (engine as unknown as { bulk: { now(): Promise<number> } }).bulk;
    jest.spyOn(bulk, 'now').mockResolvedValueOnce(began);
    expect(await engine.retryDead(QUEUE, null)).toBe(1);
    expect(await engine.get(QUEUE, 'mid')).toMatchObject({ state: 'dead', error: { message: 'dependency root ended dead: broke again' } });
    expect(await engine.get(QUEUE, 'tolerant')).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(await engine.get(QUEUE, 'root')).toMatchObject({ state: 'dead' });
  });
});
