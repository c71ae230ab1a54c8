import { Injectable } from '@nestjs/common';
import { TaskFailedError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// Anything a handler throws fails its attempt with a readable message. These
// values ended the worker's process instead (its record was read with string
// methods, or read at all), and a task's next worker died the same way.
@Injectable()
class OddThrows {
  @TaskHandler('odd.numeric-message')
  numeric(): never {
    throw Object.assign(new Error(), { message: 404 });
  }

  @TaskHandler('odd.throwing-getter')
  getter(): never {
    throw Object.defineProperty(new Error(), 'message', {
      get: () => {
        throw new Error('no message for you');
      },
    });
  }

  @TaskHandler('odd.revoked-proxy')
  revoked(): never {
    const { proxy, revoke } = Proxy.revocable(new Error('gone'), {});
    revoke();
    throw proxy;
  }

  @TaskHandler('odd.fine')
  fine() {
    return 'still serving';
  }
}

describe('a handler that throws an Error whose fields are not text, or cannot be read', () => {
  const prefix = uniquePrefix('odd-throws');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [OddThrows], { defaults: { attempts: 2, backoff: { type: 'fixed', delay: 0 } } });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each([
    ['odd.numeric-message', /^404$/],
    ['odd.throwing-getter', /^handler threw a value that cannot be read \(reading it threw: no message for you\)$/],
    ['odd.revoked-proxy', /^handler threw a value that cannot be read \(reading it threw: .*revoked/],
  ])('%s: each attempt fails with a readable message, and the worker goes on', async (name, message) => {
    const ref = await t.queue.enqueue(name, {});
    const error = await t.queue.waitFor(ref, { timeout: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 2 });
    expect(info?.error?.message).toMatch(message);
    await expect(t.queue.waitFor(await t.queue.enqueue('odd.fine', {}), { timeout: 10_000 })).resolves.toBe('still serving');
  });
});
