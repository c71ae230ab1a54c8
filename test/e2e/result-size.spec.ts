import { Injectable } from '@nestjs/common';
import { TaskFailedError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

const LIMIT = 1_000;

@Injectable()
class Results {
  runs = 0;

  @TaskHandler('result.sized')
  sized(payload: { chars: number; char: string }) {
    this.runs += 1;
    return payload.char.repeat(payload.chars);
  }
}

// A result is kept in the task's record and its completed event; one too
// large for Redis failed every outcome recorded in the same call.
describe('a result over maxResultBytes', () => {
  const prefix = uniquePrefix('result-size');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [Results], { maxResultBytes: LIMIT, defaults: { attempts: 3, backoff: { type: 'fixed', delay: 0 } } });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('fails its task for good, naming its size in UTF-8 bytes, while a task settled beside it completes', async () => {
    const runsBefore = t.get(Results).runs;
    // 499 'é' are 998 bytes, within the limit with the quotes (1,000); 500 are 1,002.
    const [within, over, beside] = await t.queue.enqueueMany([
      { name: 'result.sized', payload: { chars: 499, char: 'é' } },
      { name: 'result.sized', payload: { chars: 500, char: 'é' } },
      { name: 'result.sized', payload: { chars: 3, char: 'a' } },
    ]);
    await expect(t.queue.waitFor(within!, { timeout: 10_000 })).resolves.toBe('é'.repeat(499));
    await expect(t.queue.waitFor(beside!, { timeout: 10_000 })).resolves.toBe('aaa');
    const error = await t.queue.waitFor(over!, { timeout: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const info = await t.queue.get(over!);
    expect(info).toMatchObject({ state: 'dead', attempts: 1 });
    expect(info?.error?.message).toBe(
      'handler returned a result of 1002 bytes encoded, over the limit of 1000 (maxResultBytes); return where the data is (a key, a URL) rather than the data, or raise maxResultBytes',
    );
    expect(info?.result).toBeUndefined();
    // Not retried: the same handler returns the same.
    expect(t.get(Results).runs - runsBefore).toBe(3);
  });
});
