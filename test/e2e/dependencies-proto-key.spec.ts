import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// Task ids are user input: a dependency with the id '__proto__' (or
// 'constructor') must be just a key of the dependencies() result, never its
// prototype or a method of it.
@Injectable()
class ProtoTasks {
  seen: { hasPrototype: boolean; keys: string[]; proto: unknown; ctor: unknown; polluted: unknown } | null = null;

  @TaskHandler('proto.produce')
  produce(payload: { value: unknown }) {
    return payload.value;
  }

  @TaskHandler('proto.consume')
  async consume(_payload: unknown, task: TaskContext) {
    const deps = await task.dependencies<unknown>();
    this.seen = {
      hasPrototype: Object.getPrototypeOf(deps) !== null,
      keys: Object.keys(deps).sort(),
      proto: deps['__proto__'],
      ctor: deps['constructor'],
      polluted: (deps as { polluted?: unknown }).polluted,
    };
  }
}

describe("dependencies(): a dependency with the id '__proto__'", () => {
  const prefix = uniquePrefix('deps-proto');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [ProtoTasks]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('is a plain key of a result that has no prototype', async () => {
    const proto = await t.queue.enqueue('proto.produce', { value: { polluted: 'yes' } }, { id: '__proto__' });
    const ctor = await t.queue.enqueue('proto.produce', { value: 'c' }, { id: 'constructor' });
    const consumer = await t.queue.enqueue('proto.consume', {}, { dependsOn: [proto, ctor] });
    await t.queue.waitFor(consumer, { timeout: 10_000 });
    expect(t.get(ProtoTasks).seen).toEqual({
      hasPrototype: false,
      keys: ['__proto__', 'constructor'],
      proto: { polluted: 'yes' },
      ctor: 'c',
      polluted: undefined,
    });
  });
});
