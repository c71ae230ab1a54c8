import { Injectable, type LoggerService } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { OnTaskEvent, TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// A listener that throws (or rejects) on every event is logged once per
// failure through Nest's Logger; the stream goes on, and the other listeners,
// events() subscribers and waitFor of the same queue get every event.

@Injectable()
class EchoTasks {
  @TaskHandler('echo')
  echo(payload: { n: number }) {
    return payload.n;
  }
}

@Injectable()
class Listeners {
  readonly heard: TaskEvent[] = [];

  @OnTaskEvent('completed')
  explode(event: TaskEvent) {
    throw new Error(`exploded on ${event.id}`);
  }

  @OnTaskEvent('completed')
  async reject(event: TaskEvent) {
    await Promise.resolve();
    throw new Error(`rejected ${event.id}`);
  }

  @OnTaskEvent('completed')
  record(event: TaskEvent) {
    this.heard.push(event);
  }
}

class RecordingLogger implements LoggerService {
  readonly errors: string[] = [];
  log() {}
  warn() {}
  error(message: unknown) {
    this.errors.push(String(message));
  }
}

describe('a listener that throws', () => {
  const prefix = uniquePrefix('ev-throw');
  const logger = new RecordingLogger();
  let t: TaskApp;
  let subscription: Subscription;
  const subscribed: TaskEvent[] = [];

  beforeAll(async () => {
    t = await startTaskApp(prefix, [EchoTasks, Listeners]);
    t.app.useLogger(logger);
    subscription = t.queue.events().subscribe((e) => subscribed.push(e));
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    await t.close();
    await removePrefix(prefix);
  });

  it('stops neither the stream nor the other listeners, and is logged once per failure', async () => {
    const listeners = t.get(Listeners);
    const ids: string[] = [];
    // Two rounds: the stream must still flow after the first round's failures.
    for (let round = 0; round < 2; round++) {
      const refs = await t.queue.enqueueMany(Array.from({ length: 10 }, (_, n) => ({ name: 'echo', payload: { n } })));
      ids.push(...refs.map((r) => r.id));
      const results = await Promise.all(refs.map((ref) => t.queue.waitFor<number>(ref, { timeout: 10_000 })));
      expect(results).toEqual(Array.from({ length: 10 }, (_, n) => n));
      await waitUntil(() => ids.every((id) => listeners.heard.some((e) => e.id === id)), `round ${round + 1} to reach the recording listener`);
    }
    await waitUntil(() => logger.errors.length >= 2 * ids.length, 'both failing listeners to be logged for every task');
    await sleep(200);

    expect(listeners.heard.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(subscribed.filter((e) => e.id === id && e.type === 'completed')).toHaveLength(1);

    expect(logger.errors).toHaveLength(2 * ids.length);
    for (const id of ids) {
      expect(logger.errors.filter((m) => m.includes(`Listeners.explode failed on task ${id} `))).toEqual([
        `@OnTaskEvent('completed') Listeners.explode failed on task ${id} ('echo') of queue 'default': exploded on ${id}`,
      ]);
      expect(logger.errors.filter((m) => m.includes(`Listeners.reject failed on task ${id} `))).toHaveLength(1);
    }
  });
});
