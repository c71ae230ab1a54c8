import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import { defineTask } from '../../../lib/decorators/define-task.js';
import { checkPayload } from '../../../lib/execution/payload-schema.js';
import { describeThrown } from '../../../lib/execution/failure.js';
import { InvalidTaskOptionsError, TaskPayloadError } from '../../../lib/index.js';

/** A hand-made Standard Schema, to reach what zod never reports (symbol keys, throwing). */
function schema(validate: StandardSchemaV1.Props['validate']): StandardSchemaV1 {
  return { '~standard': { version: 1, vendor: 'test', validate } };
}

describe('defineTask', () => {
  it('keeps the name, the handler options and the schema, frozen', () => {
    const payload = z.object({ to: z.string() });
    const definition = defineTask('email.send', { queue: 'emails', attempts: 5, schema: payload });
    expect(definition).toEqual({ name: 'email.send', options: { queue: 'emails', attempts: 5 }, schema: payload });
    expect(Object.isFrozen(definition) && Object.isFrozen(definition.options)).toBe(true);
  });

  it.each([
    [() => defineTask(''), /defineTask: the task name must be a non-empty string/],
    [() => defineTask('x', { retries: 3 } as never), /defineTask\('x'\): unknown option 'retries'/],
    [() => defineTask('x', { schema: { parse: () => 1 } } as never), /defineTask\('x'\): schema must be a Standard Schema v1/],
    [() => defineTask('x', null as never), /defineTask\('x'\): options must be an object/],
    [() => defineTask('x', new Map() as never), /defineTask\('x'\): options must be an object, got a Map$/],
    // The task's policy is checked where it is written, not first at bootstrap or enqueue.
    [() => defineTask('x', { attempts: 0 }), /defineTask\('x'\): attempts must be an integer >= 1, got 0/],
    [() => defineTask('x', { queue: 'a{b' }), /defineTask\('x'\): queue must be a non-empty string/],
    [() => defineTask('x', { backoff: { type: 'fixed' } } as never), /defineTask\('x'\): backoff/],
    [() => defineTask('x', { timeout: -1 }), /defineTask\('x'\): timeout must be a number from 0 to 2147483647 \(ms; 0 for no limit\), got -1/],
    [() => defineTask('x', { removeOnDead: 'yes' } as never), /defineTask\('x'\): removeOnDead must be true, false or/],
    [() => defineTask('x', { concurrency: 1.5 }), /defineTask\('x'\): concurrency must be an integer >= 1/],
  ])('refuses bad input with an error naming it (%#)', (make, message) => {
    expect(make).toThrow(InvalidTaskOptionsError);
    expect(make).toThrow(message);
  });
});

describe('checkPayload', () => {
  it("returns the schema's output", async () => {
    expect(await checkPayload(z.object({ n: z.coerce.number() }), { n: '4' })).toEqual({ ok: true, value: { n: 4 } });
  });

  it('turns paths into plain keys, symbols included', async () => {
    const key = Symbol('secret');
    const verdict = await checkPayload(schema(() => ({ issues: [{ message: 'bad', path: [{ key: 'items' }, 0, key] }] })), {});
    expect(verdict).toEqual({ ok: false, issues: [{ message: 'bad', path: ['items', 0, 'Symbol(secret)'] }] });
  });

  it('counts a schema that throws as one issue', async () => {
    const verdict = await checkPayload(schema(() => {
      throw new Error('schema bug');
    }), {});
    expect(verdict).toEqual({ ok: false, issues: [{ message: 'the schema threw: schema bug', path: [] }] });
  });
});

describe('TaskPayloadError', () => {
  it('lists at most ten issues, and its record keeps every issue', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ message: `issue ${i}`, path: [`f${i}`] }));
    const error = new TaskPayloadError('bulk', issues);
    expect(error.message).toBe(
      `enqueue('bulk'): the payload does not match the task's schema: ${issues.slice(0, 10).map((x) => `${x.path[0]}: ${x.message}`).join('; ')}; and 2 more`,
    );
    expect(describeThrown(error)).toMatchObject({ name: 'TaskPayloadError', issues });
  });
});
