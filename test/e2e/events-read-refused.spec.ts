import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OnTaskEvent, TaskHandler, type TaskEvent } from '../../lib/index.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// An error reply to the events read (here a key of another type where the
// stream was, as a hand edit leaves it; an ACL without XREAD is the other
// case) is logged once, and so is the read working again: the listeners are
// not left silent without a word, nor is the warning left without its end.

const seen: string[] = [];

@Injectable()
class ListenedTasks {
  @TaskHandler('listened.run')
  run() {
    return 'ran';
  }

  @OnTaskEvent('completed', { queue: 'default' })
  completed(event: TaskEvent) {
    seen.push(event.id);
  }
}

describe('the events read refused by Redis', () => {
  const prefix = uniquePrefix('events-refused');
  const keys = new QueueKeys(prefix, 'default');
  const logger = new CapturingLogger();
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [ListenedTasks]);
    t.app.useLogger(logger);
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('is logged once when refused and once when it works again, and the listener hears what comes after', async () => {
    await redis.del(keys.events);
    await redis.set(keys.events, 'not a stream');
    const refused = () => logger.lines.filter((l) => l.startsWith("warn reading the events of queue 'default' failed (WRONGTYPE"));
    await waitUntil(() => refused().length === 1, 'the warning', 15_000);
    await redis.del(keys.events);
    await waitUntil(() => logger.lines.some((l) => l.startsWith("warn reading the events of queue 'default' works again")), 'the end line', 15_000);
    expect(refused()).toHaveLength(1);
    const ref = await t.queue.enqueue('listened.run', {});
    await waitUntil(() => seen.includes(ref.id), 'the listener to hear the completion');
  });
});
