// Compiled (not run) by test/unit/typing/task-definitions.spec.ts and by `npm run typecheck`:
// with a definition, a wrong payload or result is a compile error. Every
// `@ts-expect-error` line below must be an error, or the compiler says so.
import { Injectable } from '@nestjs/common';
import * as v from 'valibot';
import { z } from 'zod';
import { OnTaskEvent, TaskContext, TaskCtx, TaskHandler, TaskPayload, TaskQueue, defineTask, type TaskEvent, type TaskRef } from '../../lib/index.js';
import type { TaskTester } from '../../lib/testing/index.js';

export const SendEmail = defineTask<{ to: string }, { messageId: string }>('email.send', {
  queue: 'emails',
  attempts: 5,
  schema: z.object({ to: z.string().email() }),
});

// Types inferred from the schema: the handler receives its output (defaults applied).
export const Resize = defineTask('image.resize', { schema: v.object({ file: v.string(), width: v.optional(v.number(), 640) }) });

// A schema whose output differs from its input, with the types written out: the input, the result, the output.
const Notice = z.object({ orderId: z.coerce.number(), locale: z.enum(['en', 'de']).default('en') });
export const SendNotice = defineTask<z.input<typeof Notice>, { sent: boolean }, z.output<typeof Notice>>('notice.send', { schema: Notice });

// A schema that does not fit the declared payload type is refused.
// @ts-expect-error the schema's input is { to: number }, the payload type { to: string }
export const Mismatched = defineTask<{ to: string }>('mismatched', { schema: z.object({ to: z.number() }) });

@Injectable()
export class EmailTasks {
  @TaskHandler(SendEmail)
  async send(payload: { to: string }, task: TaskContext) {
    return { messageId: `m-${task.id}-${payload.to}` };
  }

  @TaskHandler(Resize)
  resize(payload: { file: string; width: number }) {
    return payload.width;
  }

  // The handler takes the output: the default applied, the number coerced.
  @TaskHandler(SendNotice)
  notice(payload: { orderId: number; locale: 'en' | 'de' }) {
    return { sent: payload.locale === 'en' && payload.orderId > 0 };
  }

  // @ts-expect-error the payload parameter does not take the definition's payload
  @TaskHandler(SendEmail)
  async wrongPayload(payload: { to: number }) {
    return { messageId: String(payload.to) };
  }

  // @ts-expect-error the handler does not return the definition's result
  @TaskHandler(SendEmail)
  async wrongResult(payload: { to: string }) {
    return { id: payload.to };
  }

  // Later parameters may be anything a parameter decorator gives.
  @TaskHandler(SendEmail)
  async decorated(payload: { to: string }, @TaskPayload('to') to: string, @TaskCtx() task: TaskContext) {
    return { messageId: payload.to + to + task.id };
  }

  // Beside a definition, only what the worker applies: the queue and the policy are the definition's.
  @TaskHandler(SendEmail, { concurrency: 2, globalConcurrency: 4 })
  limited(payload: { to: string }) {
    return { messageId: payload.to };
  }

  // @ts-expect-error the queue is the definition's (bootstrap refuses it here too)
  @TaskHandler(SendEmail, { queue: 'emails' })
  queued(payload: { to: string }) {
    return { messageId: payload.to };
  }

  // @ts-expect-error so are attempts
  @TaskHandler(SendEmail, { attempts: 5 })
  retried(payload: { to: string }) {
    return { messageId: payload.to };
  }

  // A handler may take fewer parameters, and return synchronously.
  @TaskHandler(SendEmail)
  noParameters() {
    return { messageId: 'fixed' };
  }

  // @ts-expect-error removeOnFail is not a handler option
  @TaskHandler('email.bounce', { removeOnFail: 5 })
  bounce() {}

  @OnTaskEvent('completed', { name: SendEmail })
  sent(event: TaskEvent) {
    return event.id;
  }
}

export async function produce(tasks: TaskQueue, tester: TaskTester): Promise<void> {
  const ref: TaskRef<{ messageId: string }> = await tasks.enqueue(SendEmail, { to: 'a@b.c' });
  const result = await tasks.waitFor(ref, { timeout: 1_000 });
  const messageId: string = result.messageId;

  // @ts-expect-error a typo in the payload
  await tasks.enqueue(SendEmail, { too: 'a@b.c' });
  // @ts-expect-error a payload field of the wrong type
  await tasks.enqueue(SendEmail, { to: 42 });
  // @ts-expect-error the result is { messageId: string }
  const wrong: number = (await tasks.waitFor(ref, { timeout: 1_000 })).messageId;

  // Schema input, not output: width may be left out.
  await tasks.enqueue(Resize, { file: 'a.png' });
  // @ts-expect-error file is required by the schema
  await tasks.enqueue(Resize, { width: 10 });
  // The input: a string the schema coerces, the defaulted field left out.
  await tasks.enqueue(SendNotice, { orderId: '42' });
  // @ts-expect-error not a locale the schema takes
  await tasks.enqueue(SendNotice, { orderId: 1, locale: 'fr' });

  const refs = await tasks.enqueueMany([
    { name: SendEmail, payload: { to: 'x@y.z' } },
    { name: SendEmail, payload: { to: 'u@v.w' }, options: { priority: 5 } },
  ]);
  const first: { messageId: string } = await tasks.waitFor(refs[0], { timeout: 1_000 });
  // @ts-expect-error one payload of the batch is wrong
  await tasks.enqueueMany([{ name: SendEmail, payload: { to: 1 } }]);

  // A misspelt (or BullMQ's) option is reported as such, by name or by definition, not as a wrong task argument.
  // @ts-expect-error jobId is not an enqueue option
  await tasks.enqueue('email.send', {}, { jobId: 'x' });
  // @ts-expect-error jobId is not an enqueue option
  await tasks.enqueue(SendEmail, { to: 'a@b.c' }, { jobId: 'x' });
  // @ts-expect-error pattern is not a schedule option
  await tasks.schedule('hourly', 'email.send', null, { pattern: '0 * * * *' });
  // @ts-expect-error a typo in the schedule's payload
  await tasks.schedule('hourly', SendEmail, { too: 'a@b.c' }, { cron: '0 * * * *' });
  const scheduled: { n: number } = (await tasks.schedule('counted', 'audit', { n: 1 }, { every: 60_000 })).payload;

  // A flow as docs/migrating-from-bullmq.md writes it: the children spread, then the parent last.
  const parts = ['p1', 'p2'];
  const flow = await tasks.enqueueMany([
    ...parts.map((id, part) => ({ name: 'part', payload: { part }, options: { id } })),
    { name: SendEmail, payload: { to: 'done@flow' }, options: { dependsOn: parts } },
  ]);
  const parent: [...TaskRef<unknown>[], TaskRef<{ messageId: string }>] = flow;
  // @ts-expect-error the parent's payload is wrong, after a spread too
  await tasks.enqueueMany([...parts.map((id) => ({ name: 'part', payload: {}, options: { id } })), { name: SendEmail, payload: { to: 1 } }]);

  // Type arguments given by hand, as before the signature for both was added.
  await tasks.enqueue<{ anything: boolean }>('email.send', { anything: true });
  // @ts-expect-error the payload is not the type given
  await tasks.enqueue<{ anything: boolean }>('email.send', { anything: 1 });
  const explicit: TaskRef<{ messageId: string }> = await tasks.enqueue<{ to: string }, { messageId: string }, { to: string }>(SendEmail, { to: 'a@b.c' });
  const scheduledBy: { n: number } = (await tasks.schedule<{ n: number }>('counted-2', 'audit', { n: 2 }, { every: 60_000 })).payload;
  // A task given as one of several definitions, or as a name or a definition.
  const either = (pick: boolean) => (pick ? SendEmail : Resize);
  await tasks.enqueue(either(true), { to: 'a@b.c' } as never);
  const byEither = (task: string | typeof SendEmail) => tasks.enqueue(task, {});
  await byEither('email.send');

  // The string API is as it was.
  const byName = await tasks.enqueue('email.send', { anything: true });
  const untyped: { n: number } = await tasks.waitFor<{ n: number }>(byName, { timeout: 1_000 });
  await tasks.enqueueMany([{ name: 'email.send', payload: 1 }, { name: SendEmail, payload: { to: 'mixed' } }]);
  // Beside a by-name item too, an item by definition is checked against its definition.
  // @ts-expect-error the payload of the definition's item is wrong
  await tasks.enqueueMany([{ name: SendEmail, payload: { to: 1 } }, { name: 'audit', payload: {} }]);
  const mixed = await tasks.enqueueMany([{ name: 'audit', payload: {} }, { name: SendEmail, payload: { to: 'typed' } }]);
  const second: { messageId: string } = await tasks.waitFor(mixed[1], { timeout: 1_000 });
  const info = await tasks.get(ref);
  const stored: { messageId: string } | undefined = info?.result;

  const listed: Array<{ to: string }> = tester.enqueued(SendEmail).map((task) => task.payload);
  void [messageId, wrong, first, second, untyped, stored, listed, scheduled, parent, explicit, scheduledBy];
}
