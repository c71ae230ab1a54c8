import { InvalidTaskOptionsError } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// events({ from }) with something that is not an event id fails the
// Observable with a clear error, instead of following nothing forever.

describe('events() with a bad from', () => {
  const prefix = uniquePrefix('ev-badfrom');
  let t: TaskApp;
  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each(['last', '$', '12-ab'])('refuses from = %p at once, with a clear error', (from) => {
    expect(() => t.queue.events({ from })).toThrow(InvalidTaskOptionsError);
    expect(() => t.queue.events({ from })).toThrow(/from must be an event id/);
  });

  it('refuses a from that is a number, an unknown key and options that are not an object, instead of following the default queue', () => {
    expect(() => t.queue.events({ from: 0 } as never)).toThrow(/from must be an event id .*got 0$/);
    expect(() => t.queue.events({ queue: 'emails', form: '0' } as never)).toThrow(/^events: unknown option 'form' \(known: queue, from\)$/);
    expect(() => t.queue.events('emails' as never)).toThrow(/^events: options must be an object \{ queue\?, from\? \}$/);
  });
});
