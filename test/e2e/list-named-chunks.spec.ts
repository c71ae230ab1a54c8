import type { NewTask } from '../../lib/engine/new-task.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { openRedisEngine, type OwnRedisEngine } from '../fixtures/redis-engine.js';

// list(state, { name }) on Redis reads a state a thousand entries per script,
// and the queue goes on changing between those scripts. Each chunk goes on
// where the last one ended, by score: tasks leaving the front and tasks added
// ahead meanwhile neither hide later tasks nor show one twice.

describe('the name filter on Redis while the state changes between chunks', () => {
  let own: OwnRedisEngine;
  let engine: RedisTaskEngine;

  beforeAll(async () => {
    // Every completed task kept (the default keeps 1,000), so the completed set holds all 1,500.
    own = await openRedisEngine('named-chunks', { retention: { completed: { count: 10_000 } } });
    engine = own.engine;
  });
  afterAll(async () => {
    await own?.close();
  });

  const add = (...tasks: NewTask[]) => engine.add(tasks.map((task) => ({ queue: QUEUE, task })));

  it('neither misses nor repeats a task when tasks leave the front and one is added ahead after the first chunk', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 1_500 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    await add(...ids.map((id, i) => newTask(id, { name: 'x', runAt: now + 3_600_000 + i })));
    const scripts = (engine as unknown as { insights: { scripts: { script(name: string, ...rest: unknown[]): Promise<unknown> } } }).insights.scripts;
    const run = scripts.script.bind(scripts);
    let calls = 0;
    jest.spyOn(scripts, 'script').mockImplementation(async (name: string, ...rest: unknown[]) => {
      const reply = await run(name, ...rest);
      if (name === 'listNamed' && ++calls === 1) {
        for (const id of ids.slice(0, 10)) await engine.cancel(QUEUE, id);
        await add(newTask('early', { name: 'x', runAt: now + 3_000_000 }));
      }
      return reply;
    });
    try {
      const page = (await engine.list(QUEUE, 'delayed', 990, 20, 'x')).map((t) => t.id);
      expect(calls).toBeGreaterThan(1);
      expect(page).toEqual(ids.slice(990, 1_010));
    } finally {
      jest.restoreAllMocks();
      await engine.drain(QUEUE, true);
    }
  });

  it('goes on along the wait list after tasks were fetched from its front, and past more than a chunk of equal scores', async () => {
    const ids = Array.from({ length: 1_500 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    await add(...ids.map((id) => newTask(id, { name: 'y' })));
    const scripts = (engine as unknown as { insights: { scripts: { script(name: string, ...rest: unknown[]): Promise<unknown> } } }).insights.scripts;
    const run = scripts.script.bind(scripts);
    let fetched: Awaited<ReturnType<RedisTaskEngine['fetch']>>['tasks'] = [];
    jest.spyOn(scripts, 'script').mockImplementation(async (name: string, ...rest: unknown[]) => {
      const reply = await run(name, ...rest);
      if (name === 'listNamed' && fetched.length === 0) fetched = (await engine.fetch(QUEUE, request(10))).tasks;
      return reply;
    });
    try {
      expect((await engine.list(QUEUE, 'waiting', 990, 20, 'y')).map((t) => t.id)).toEqual(ids.slice(990, 1_010));
    } finally {
      jest.restoreAllMocks();
    }
    // Every one completed in one call: 1,500 entries of one score in the completed set.
    const rest = (await engine.fetch(QUEUE, request(1_500))).tasks;
    const all = [...fetched, ...rest];
    await engine.settle(QUEUE, all.map((task) => ({ lease: task.lease, kind: 'completed' as const, resultJson: '1' })), request(0));
    const finished = new Set((await engine.list(QUEUE, 'completed', 0, 1_000)).map((t) => t.finishedAt));
    expect(finished.size).toBe(1);
    // Tied tasks the first chunk read are removed before the second, the last one read among them: it goes
    // on after that one's score and id all the same. (A task seen and removed since is left out of the page.)
    const sorted = [...ids].sort();
    let removed = false;
    jest.spyOn(scripts, 'script').mockImplementation(async (name: string, ...rest: unknown[]) => {
      const reply = await run(name, ...rest);
      if (name === 'listNamed' && !removed) {
        removed = true;
        for (const id of [...sorted.slice(0, 10), sorted[999]]) await engine.remove(QUEUE, id);
      }
      return reply;
    });
    try {
      const named = (await engine.list(QUEUE, 'completed', 990, 20, 'y')).map((t) => t.id);
      expect(named).toEqual(sorted.slice(990, 1_010).filter((id) => id !== sorted[999]));
    } finally {
      jest.restoreAllMocks();
    }
    // Without changes, the same page.
    expect((await engine.list(QUEUE, 'completed', 980, 20, 'y')).map((t) => t.id)).toEqual(sorted.slice(990, 1_011).filter((id) => id !== sorted[999]));
  });
});
