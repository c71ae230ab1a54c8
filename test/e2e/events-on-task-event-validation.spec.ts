import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError, OnTaskEvent, type TaskEvent, type TaskEventType } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';

// Bad @OnTaskEvent arguments stop bootstrap with an error naming the method
// and what is wrong, before anything is written to Redis.

@Injectable()
class UnknownType {
  @OnTaskEvent('finished' as TaskEventType)
  onFinished(_event: TaskEvent) {}
}

@Injectable()
class BadQueue {
  @OnTaskEvent('completed', { queue: 'emails{eu}' })
  onCompleted(_event: TaskEvent) {}
}

@Injectable()
class UnknownOption {
  @OnTaskEvent('dead', { nmae: 'email.send' } as never)
  onDead(_event: TaskEvent) {}
}

describe('@OnTaskEvent with bad arguments', () => {
  const prefix = uniquePrefix('ev-bad');
  let redis: Redis;
  beforeAll(() => {
    redis = inspector();
  });
  afterAll(async () => {
    await redis.quit();
    await removePrefix(prefix);
  });

  it.each([
    { what: 'an unknown event type', provider: UnknownType, message: /@OnTaskEvent on UnknownType\.onFinished: unknown event type "finished" \(known: enqueued, started, progress, completed, retrying, dead\)/ },
    { what: 'a queue name with braces', provider: BadQueue, message: /@OnTaskEvent on BadQueue\.onCompleted: queue must be a non-empty string .*without braces.*got "emails\{eu\}"/ },
    { what: 'a misspelt option', provider: UnknownOption, message: /@OnTaskEvent on UnknownOption\.onDead: unknown option 'nmae' \(known: name, queue\)/ },
  ])('$what fails bootstrap with a clear error', async ({ provider, message }) => {
    const boot = startTaskApp(prefix, [provider]);
    await expect(boot).rejects.toThrow(InvalidTaskOptionsError);
    await expect(boot).rejects.toThrow(message);
    expect(await keysOf(redis, prefix)).toEqual([]);
  });
});
