import { Injectable } from '@nestjs/common';
import { RateLimitedError, TaskFailedError, TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

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

  @TaskHandler('odd.limited-unreadable')
  limitedUnreadable(): never {
    const error = new RateLimitedError(10);
    Object.defineProperty(error, 'retryAfterMs', {
      get: () => {
        throw new Error('no delay for you');
      },
    });
    throw error;
  }

  private limitedOnce = false;

  @TaskHandler('odd.limited-long-message')
  limitedLong() {
    if (this.limitedOnce) return 'ran after the limit';
    this.limitedOnce = true;
    throw new RateLimitedError(10, 'x'.repeat(200_000));
  }

  @TaskHandler('odd.tojson-undefined')
  toJsonUndefined() {
    return { toJSON: () => undefined };
  }

  @TaskHandler('odd.tojson-throws-null-prototype')
  toJsonThrows() {
    return {
      toJSON: () => {
        throw Object.create(null);
      },
    };
  }

  @TaskHandler('odd.tojson-throws-long')
  toJsonThrowsLong() {
    return {
      toJSON: () => {
        throw new Error('y'.repeat(200_000));
      },
    };
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

  it('a RateLimitedError whose delay cannot be read fails as any other error does', async () => {
    const ref = await t.queue.enqueue('odd.limited-unreadable', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).rejects.toThrow(TaskFailedError);
    expect(await t.queue.get(ref)).toMatchObject({
      state: 'dead',
      attempts: 2,
      error: {
        name: 'RateLimitedError',
        message:
          'rate limited: retry in 10 ms (a RateLimitedError whose retryAfterMs could not be read or is out of range: it failed as any ' +
          'error does, the attempt counted)',
      },
    });
  });

  it("keeps a RateLimitedError's message within the limit any error is kept to", async () => {
    const ref = await t.queue.enqueue('odd.limited-long-message', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe('ran after the limit');
    // The stream, replayed from its start: the retrying event carries the error as stored.
    const seen: TaskEvent[] = [];
    const subscription = t.queue.events({ from: '0' }).subscribe((event) => seen.push(event));
    try {
      await waitUntil(() => seen.some((e) => e.id === ref.id && e.type === 'completed'), 'the replayed events');
    } finally {
      subscription.unsubscribe();
    }
    const retrying = seen.find((e) => e.id === ref.id && e.type === 'retrying');
    expect(retrying?.error?.message).toMatch(/^x{4096}… \(195904 more characters cut\)$/);
  });
});

describe('a handler whose result JSON cannot carry', () => {
  const prefix = uniquePrefix('odd-results');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [OddThrows]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('completes with no result when its toJSON() returns undefined, as for an undefined result', async () => {
    const ref = await t.queue.enqueue('odd.tojson-undefined', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toBeUndefined();
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed' });
  });

  it('fails for good, readably, when its toJSON() throws a value with no prototype', async () => {
    const ref = await t.queue.enqueue('odd.tojson-throws-null-prototype', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).rejects.toThrow(TaskFailedError);
    expect((await t.queue.get(ref))?.error?.message).toBe('handler returned a value JSON cannot encode (an unreadable value)');
  });

  it("keeps the message of its toJSON()'s error within the limit any error is kept to", async () => {
    const ref = await t.queue.enqueue('odd.tojson-throws-long', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).rejects.toThrow(TaskFailedError);
    const message = (await t.queue.get(ref))?.error?.message;
    expect(message).toMatch(/^handler returned a value JSON cannot encode \(y+… \(\d+ more characters cut\)$/);
    expect(message).toHaveLength(4_096 + '… (195956 more characters cut)'.length);
  });
});
