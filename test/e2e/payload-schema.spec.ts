import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { z } from 'zod';
import { TaskFailedError, TaskHandler, TaskPayloadError, defineTask, type TaskContext } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { inspector, removePrefix, taskKeysOf, uniquePrefix } from '../utils/redis.js';

// A definition's schema (any Standard Schema: zod and valibot here) checks a
// payload at enqueue, before anything reaches Redis, and again at the worker
// before the pipeline, which then gets the schema's output.

const SendEmail = defineTask<{ to: string }, { sentTo: string }>('schema.email', {
  attempts: 5,
  schema: z.object({ to: z.string().email() }),
});

const Resize = defineTask<{ file: string; width?: number }, { file: string; width: number }, { file: string; width: number }>('schema.resize', {
  schema: v.object({ file: v.pipe(v.string(), v.minLength(1)), width: v.optional(v.number(), 640) }),
});

const Lookup = defineTask('schema.lookup', {
  schema: z.object({ user: z.string() }).refine(async (p) => p.user !== 'ghost', { message: 'no such user' }),
});

@Injectable()
class SchemaTasks {
  readonly received: unknown[] = [];

  @TaskHandler(SendEmail)
  send(payload: { to: string }) {
    this.received.push(payload);
    return { sentTo: payload.to };
  }

  @TaskHandler(Resize)
  resize(payload: { file: string; width: number }, task: TaskContext) {
    this.received.push({ ...payload, attempt: task.attempt });
    return payload;
  }

  @TaskHandler(Lookup)
  lookup(payload: { user: string }) {
    return payload.user;
  }
}

describe('payload schemas', () => {
  const prefix = uniquePrefix('schema');
  let worker: TaskApp;
  let producer: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [SchemaTasks]);
    // An app without the handlers or the definitions: it cannot check what it enqueues by name.
    producer = await startTaskApp(prefix, [], { worker: false });
    redis = inspector();
  });
  afterAll(async () => {
    await producer.close();
    await worker.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('refuses a payload its schema rejects at enqueue, naming each issue, and writes nothing', async () => {
    const error = await worker.queue.enqueue(SendEmail, { to: 'not-an-email' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskPayloadError);
    expect(error).toMatchObject({ taskName: 'schema.email', issues: [{ path: ['to'], message: expect.stringMatching(/email/i) }] });
    expect((error as Error).message).toMatch(/^enqueue\('schema\.email'\): the payload does not match the task's schema: to: /);
    await expect(worker.queue.enqueue('schema.email', { to: 1 })).rejects.toThrow(TaskPayloadError);
    await expect(
      worker.queue.enqueueMany([
        { name: Resize, payload: { file: 'ok.png' } },
        { name: Resize, payload: { file: '' } },
      ]),
    ).rejects.toMatchObject({ name: 'TaskPayloadError', issues: [{ path: ['file'] }], message: expect.stringMatching(/^enqueueMany item 1: enqueue\('schema\.resize'\): /) });
    // An item's bad options are named by its place in the list too.
    await expect(
      worker.queue.enqueueMany([
        { name: 'schema.email', payload: { to: 'a@b.co' } },
        { name: 'schema.email', payload: { to: 'c@d.co' } },
        { name: 'schema.email', payload: { to: 'e@f.co' }, options: { attempts: 0 } },
      ]),
    ).rejects.toThrow(/^enqueueMany item 2: .*attempts/);
    await expect(worker.queue.enqueue(Lookup, { user: 'ghost' })).rejects.toMatchObject({ issues: [{ message: 'no such user', path: [] }] });
    expect(await taskKeysOf(redis, prefix)).toEqual([]);
  });

  it("gives the handler the schema's output, and stores the payload as it was enqueued", async () => {
    const ref = await worker.queue.enqueue(Resize, { file: 'a.png' });
    expect(await worker.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ file: 'a.png', width: 640 });
    expect((await worker.queue.get(ref))?.payload).toEqual({ file: 'a.png' });
    expect(worker.get(SchemaTasks).received).toContainEqual({ file: 'a.png', width: 640, attempt: 1 });
  });

  it('ends a task dead at the worker, without retries, when its payload fails the schema there', async () => {
    const ref = await producer.queue.enqueue('schema.email', { to: 'nobody' }, { attempts: 5 });
    const error = await rejectionOf(worker.queue, ref);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error.message).toMatch(/task .+ \('schema\.email'\): the payload does not match the task's schema: to: /);
    const info = await worker.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5, error: { name: 'TaskPayloadError', issues: [{ path: ['to'] }] } });
    expect(worker.get(SchemaTasks).received).not.toContainEqual({ to: 'nobody' });
  });
});
