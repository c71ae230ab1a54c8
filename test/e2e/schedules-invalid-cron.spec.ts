import { Injectable } from '@nestjs/common';
import { InvalidTaskOptionsError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';

// A bad cron expression is a clear InvalidTaskOptionsError: at bootstrap for a
// @TaskHandler schedule (naming the handler, before anything touches Redis),
// at call time for schedule() (nothing written).

@Injectable()
class BadMinuteTasks {
  @TaskHandler('bad.minute', { schedule: { cron: '61 * * * *' } })
  run() {}
}

@Injectable()
class NeverTasks {
  @TaskHandler('never', { schedule: { cron: '0 0 30 2 *' } })
  run() {}
}

@Injectable()
class BothTasks {
  @TaskHandler('both', { schedule: { cron: '* * * * *', every: 1_000 } })
  run() {}
}

describe('schedules: invalid cron expressions', () => {
  const prefix = uniquePrefix('sched-cron');
  let producer: TaskApp;

  beforeAll(async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await producer.close();
    await removePrefix(prefix);
  });

  it.each([
    [BadMinuteTasks, "@TaskHandler on BadMinuteTasks.run: invalid cron expression '61 * * * *' (Invalid value for minute: 61)"],
    [NeverTasks, "@TaskHandler on NeverTasks.run: cron expression '0 0 30 2 *' has no future occurrence"],
    [BothTasks, '@TaskHandler on BothTasks.run: schedule needs exactly one of cron and every'],
  ])('fails bootstrap of %p with a message naming the handler', async (tasks, message) => {
    const failed = startTaskApp(prefix, [tasks]);
    await expect(failed).rejects.toBeInstanceOf(InvalidTaskOptionsError);
    await expect(failed).rejects.toThrow(message);
  });

  it.each([
    ['every minute', /invalid cron expression 'every minute' \(it has 2 fields/],
    ['* * * * * * *', /invalid cron expression '\* \* \* \* \* \* \*' \(it has 7 fields; a cron expression has 5/],
    ['*/0 * * * *', /invalid cron expression '\*\/0 \* \* \* \*'/],
    ['', /cron must be a non-empty cron expression string/],
  ])('rejects schedule() with cron %p', async (cron, message) => {
    const call = producer.queue.schedule('bad', 'report', null, { cron });
    await expect(call).rejects.toBeInstanceOf(InvalidTaskOptionsError);
    await expect(call).rejects.toThrow(message);
  });

  it('rejects schedule() with neither cron nor every, or an every below 100 ms', async () => {
    await expect(producer.queue.schedule('bad', 'report', null, {})).rejects.toThrow("schedule('bad'): options needs exactly one of cron and every");
    await expect(producer.queue.schedule('bad', 'report', null, { every: 50 })).rejects.toThrow('options.every must be an integer from 100 to 315360000000 (ms), got 50');
  });

  it('says how the arguments go when the payload comes where the task belongs', async () => {
    const call = producer.queue.schedule('swapped', { to: 'a' } as never, { cron: '0 * * * *' } as never, {} as never);
    await expect(call).rejects.toThrow(InvalidTaskOptionsError);
    await expect(call).rejects.toThrow(
      "schedule('swapped'): the task must be a name or a definition made by defineTask(), got an object with keys [\"to\"] " +
        '(the arguments are schedule(id, nameOrDefinition, payload, { cron | every, timezone?, queue?, priority?, attempts?, ... }))',
    );
  });

  it('writes nothing for a rejected schedule', async () => {
    await expect(producer.queue.schedule('bad', 'report', null, { cron: '61 * * * *' })).rejects.toThrow(InvalidTaskOptionsError);
    expect(await producer.queue.schedules()).toEqual([]);
    const redis = inspector();
    try {
      expect(await keysOf(redis, prefix)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
