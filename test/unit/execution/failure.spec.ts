import { BadRequestException, ForbiddenException, HttpException, InternalServerErrorException, UnauthorizedException } from '@nestjs/common';
import { TaskTimeoutError } from '../../../lib/errors/task-timeout.error.js';
import { UnrecoverableTaskError } from '../../../lib/errors/unrecoverable-task.error.js';
import { TaskPayloadError } from '../../../lib/errors/task-payload.error.js';
import { MAX_ERROR_ISSUES, MAX_ERROR_MESSAGE, MAX_ERROR_STACK, classifyFailure, describeThrown } from '../../../lib/execution/failure.js';
import type { PipelineStage } from '../../../lib/execution/attempt-state.js';

describe('describeThrown', () => {
  it('keeps the message, name and stack of an Error', () => {
    const error = new TypeError('bad input');
    expect(describeThrown(error)).toEqual({ message: 'bad input', name: 'TypeError', stack: error.stack });
  });

  it('keeps the name of a custom error', () => {
    expect(describeThrown(new TaskTimeoutError(100))).toMatchObject({ message: 'task timed out after 100 ms', name: 'TaskTimeoutError' });
  });

  it('uses the name of an Error without a message', () => {
    expect(describeThrown(new RangeError()).message).toBe('RangeError');
  });

  it('leaves the stack out when an Error has none', () => {
    const error = new Error('no stack');
    error.stack = undefined;
    expect(describeThrown(error)).toEqual({ message: 'no stack', name: 'Error' });
  });

  it('keeps the validation messages of a ValidationPipe-style HttpException', () => {
    const error = new BadRequestException({ statusCode: 400, message: ['to must be an email', 'n must be a number'], error: 'Bad Request' });
    const { message, name } = describeThrown(error);
    expect(message).toContain('to must be an email');
    expect(message).toContain('n must be a number');
    expect(name).toBe('BadRequestException');
  });

  it('keeps a string detail of an HttpException response', () => {
    const error = new HttpException({ message: 'quota exceeded for tenant 7' }, 429);
    expect(describeThrown(error).message).toContain('quota exceeded for tenant 7');
  });

  it('does not repeat an HttpException message that is its own detail', () => {
    expect(describeThrown(new ForbiddenException('not your order')).message).toBe('not your order');
  });

  it('takes a thrown string as the message', () => {
    expect(describeThrown('plain failure')).toEqual({ message: 'plain failure' });
  });

  it.each([undefined, null])('makes a readable message of a thrown %p', (value) => {
    expect(describeThrown(value)).toEqual({ message: `handler threw ${String(value)}` });
  });

  it('shows a thrown object as JSON', () => {
    expect(describeThrown({ code: 'E42', retry: false }).message).toBe('handler threw a non-Error value: {"code":"E42","retry":false}');
  });

  it('shows a thrown number', () => {
    expect(describeThrown(42).message).toBe('handler threw a non-Error value: 42');
  });

  it('does not throw for a circular object', () => {
    const value: Record<string, unknown> = { code: 'loop' };
    value.self = value;
    const { message } = describeThrown(value);
    expect(typeof message).toBe('string');
    expect(message).toMatch(/^handler threw a non-Error value: /);
  });

  it('does not throw for values JSON cannot encode', () => {
    expect(describeThrown(10n).message).toBe('handler threw a non-Error value: 10n');
    expect(describeThrown(Symbol('why')).message).toBe('handler threw a non-Error value: Symbol(why)');
  });
});

describe('describeThrown with Errors whose fields are not text, or cannot be read', () => {
  // Each of these ended the worker's process: the record's text was read with string methods.
  function revokedProxy(): unknown {
    const { proxy, revoke } = Proxy.revocable(new Error('gone'), {});
    revoke();
    return proxy;
  }

  it.each<[string, () => unknown, RegExp]>([
    ['a number as message', () => Object.assign(new Error(), { message: 404 }), /^404$/],
    ['an object as message', () => Object.assign(new Error(), { message: { code: 'E1' } }), /^\{"code":"E1"\}$/],
    ['an array as message', () => Object.assign(new Error(), { message: ['a', 'b'] }), /^\["a","b"\]$/],
    ['a message getter that throws', () => Object.defineProperty(new Error(), 'message', { get: () => { throw new Error('no message for you'); } }), /^handler threw a value that cannot be read \(reading it threw: no message for you\)$/],
    ['a revoked Proxy', revokedProxy, /^handler threw a value that cannot be read \(reading it threw: .*revoked/],
  ])('records %s as text', (_case, make, message) => {
    const info = describeThrown(make());
    expect(typeof info.message).toBe('string');
    expect(info.message).toMatch(message);
  });

  it('replaces a lone surrogate with U+FFFD, as Redis stores it, in message and stack', () => {
    const error = new Error('lone \uDC00 surrogate');
    const info = describeThrown(error);
    expect(info.message).toBe('lone \uFFFD surrogate');
    expect(info.stack?.startsWith('Error: lone \uFFFD surrogate')).toBe(true);
  });

  it('keeps the message of an Error whose message is a Symbol, whose stack cannot then be formatted', () => {
    const info = describeThrown(Object.assign(new Error(), { message: Symbol('sym') }));
    expect(info.message).toBe('Symbol(sym)');
  });

  it('makes the name and issue paths well-formed too', () => {
    const error = Object.assign(new Error('m'), { name: 'Bad\uD800Name' });
    expect(describeThrown(error).name).toBe('Bad\uFFFDName');
    const refused = describeThrown(new TaskPayloadError('t', [{ message: 'lone \uDC00', path: ['k\uDC00', 0] }]));
    expect(refused.issues).toEqual([{ message: 'lone \uFFFD', path: ['k\uFFFD', 0] }]);
  });

  it('leaves out a stack that is not text, keeping the rest', () => {
    const info = describeThrown(Object.assign(new Error('m'), { stack: { frames: 3 } }));
    expect(info).toEqual({ message: 'm', name: 'Error' });
  });

  it('classifies such a value as an ordinary failure, retried while attempts remain', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(classifyFailure(proxy, 'handler')).toEqual({ error: { message: expect.stringMatching(/^handler threw a value that cannot be read/) }, permanent: false });
  });
});

describe('describeThrown: an error with causes', () => {
  it("follows the cause after the error's own stack, where what failed underneath is said", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:25'), { code: 'ECONNREFUSED' });
    const error = new Error('could not send the invoice', { cause: refused });
    expect(describeThrown(error)).toEqual({
      message: 'could not send the invoice',
      name: 'Error',
      stack: `${error.stack}\nCaused by: ${refused.stack}`,
    });
  });

  it('follows a chain, a cause that is no Error shown as JSON', () => {
    const inner = new TypeError('bad reply', { cause: { status: 502, body: 'gateway' } });
    const { stack } = describeThrown(new Error('outer', { cause: inner }));
    expect(stack).toMatch(/^Error: outer\n/);
    expect(stack).toContain(`\nCaused by: ${inner.stack}\nCaused by: {"status":502,"body":"gateway"}`);
  });

  it('stops at a cycle, and cuts a long chain saying so', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(describeThrown(a).stack?.match(/Caused by:/g)).toHaveLength(1);
    let chain = new Error('level 0');
    for (let i = 1; i <= 8; i++) chain = new Error(`level ${i}`, { cause: chain });
    const stack = describeThrown(chain).stack ?? '';
    expect(stack.match(/\nCaused by: Error: level \d/g)).toEqual([3, 4, 5, 6, 7].reverse().map((n) => `\nCaused by: Error: level ${n}`));
    expect(stack).toMatch(/\nCaused by: … \(causes beyond 5 cut\)$/);
  });

  it('says so of a cause that cannot be read, and writes a head for an error without a stack', () => {
    const unreadable = Object.defineProperty(new Error('outer'), 'cause', {
      get: () => {
        throw new Error('no');
      },
    });
    expect(describeThrown(unreadable).stack).toMatch(/\nCaused by: a value that cannot be read$/);
    const stackless = new Error('outer', { cause: 'disk full' });
    stackless.stack = undefined;
    expect(describeThrown(stackless).stack).toBe('Error: outer\nCaused by: disk full');
  });

  it('keeps the stack with its causes within the limit', () => {
    const error = new Error('outer', { cause: new Error('x'.repeat(MAX_ERROR_STACK * 2)) });
    expect(describeThrown(error).stack?.length).toBeLessThanOrEqual(MAX_ERROR_STACK + 40);
  });

  it('keeps room for the causes of an error whose own stack is at the limit', () => {
    const error = new Error('outer', { cause: new Error('ECONNREFUSED') });
    error.stack = `Error: outer\n${'    at frame (x.js:1:1)\n'.repeat(2_000)}`;
    const { stack } = describeThrown(error);
    expect(stack).toContain('\nCaused by: Error: ECONNREFUSED');
    expect(stack!.length).toBeLessThanOrEqual(MAX_ERROR_STACK + 40);
  });
});

describe('classifyFailure', () => {
  const stages: PipelineStage[] = ['before-pipes', 'pipes', 'handler'];

  it.each(stages)('treats UnrecoverableTaskError as permanent at stage %s', (stage) => {
    expect(classifyFailure(new UnrecoverableTaskError('card declined'), stage)).toEqual({
      permanent: true,
      error: expect.objectContaining({ message: 'card declined', name: 'UnrecoverableTaskError' }),
    });
  });

  it('treats any error from a pipe as permanent and keeps its details', () => {
    const validation = new BadRequestException({ message: ['to must be an email'] });
    const failure = classifyFailure(validation, 'pipes');
    expect(failure.permanent).toBe(true);
    expect(failure.error.message).toContain('to must be an email');
    expect(classifyFailure(new Error('pipe crashed'), 'pipes').permanent).toBe(true);
  });

  it.each([new ForbiddenException(), new UnauthorizedException()])("treats a guard's denial (%p) before the pipes as permanent", (error) => {
    expect(classifyFailure(error, 'before-pipes').permanent).toBe(true);
  });

  it.each([new Error('interceptor lost its cache'), new InternalServerErrorException(), new HttpException('slow down', 429), 'oops'])(
    'retries other failures before the pipes (%p)',
    (error) => {
      expect(classifyFailure(error, 'before-pipes').permanent).toBe(false);
    },
  );

  it.each([new Error('boom'), new ForbiddenException(), new BadRequestException('upstream said no'), new TaskTimeoutError(50), undefined, 'text'])(
    'retries a failure in the handler (%p)',
    (error) => {
      expect(classifyFailure(error, 'handler').permanent).toBe(false);
    },
  );

  it('records the failure readably whatever was thrown', () => {
    expect(classifyFailure(undefined, 'handler').error).toEqual({ message: 'handler threw undefined' });
  });
});

describe('describeThrown: the size an error is kept at', () => {
  it('cuts a long message, in the stack too, keeping the frames and saying how much was cut', () => {
    const error = new Error(`upstream said: ${'e'.repeat(20_000)}`);
    const info = describeThrown(error);
    const cut = error.message.length - MAX_ERROR_MESSAGE;
    expect(info.message).toBe(`${error.message.slice(0, MAX_ERROR_MESSAGE)}… (${cut} more characters cut)`);
    expect(info.stack!.startsWith(`Error: ${info.message}\n    at `)).toBe(true);
    expect(info.stack!.length).toBeLessThan(MAX_ERROR_MESSAGE + 2_000);
  });

  it("keeps a note of the library's after the message, within the message's limit", () => {
    const note = '(why the library treated it so)';
    expect(classifyFailure(new Error('short'), 'handler', note).error.message).toBe(`short ${note}`);
    const long = classifyFailure(new Error('e'.repeat(20_000)), 'handler', note).error.message;
    expect(long.endsWith(` more characters cut) ${note}`)).toBe(true);
    expect(long.startsWith('e'.repeat(MAX_ERROR_MESSAGE - note.length - 1))).toBe(true);
    expect(long).not.toContain('e'.repeat(MAX_ERROR_MESSAGE - note.length));
  });

  it('cuts a long stack and keeps short errors whole', () => {
    const error = new Error('short');
    error.stack = `Error: short\n${'    at frame (file.js:1:1)\n'.repeat(2_000)}`;
    const info = describeThrown(error);
    expect(info.message).toBe('short');
    expect(info.stack!.length).toBeLessThanOrEqual(MAX_ERROR_STACK + 40);
    expect(info.stack).toMatch(/… \(\d+ more characters cut\)$/);
    const plain = new Error('plain');
    expect(describeThrown(plain)).toEqual({ message: 'plain', name: 'Error', stack: plain.stack });
  });

  it('never cuts inside a surrogate pair, and cuts a thrown string or value as a message', () => {
    const text = `${'a'.repeat(MAX_ERROR_MESSAGE - 1)}😀tail`;
    const cut = describeThrown(text).message;
    expect(cut.startsWith(`${'a'.repeat(MAX_ERROR_MESSAGE - 1)}…`)).toBe(true);
    expect(describeThrown({ body: 'x'.repeat(10_000) }).message).toMatch(/more characters cut\)$/);
  });

  it('keeps the first validation issues, saying how many more there were', () => {
    const issues = Array.from({ length: 250 }, (_, i) => ({ message: `field ${i} is wrong`, path: [`f${i}`] }));
    const info = describeThrown(new TaskPayloadError('t', issues));
    expect(info.issues).toHaveLength(MAX_ERROR_ISSUES + 1);
    expect(info.issues![MAX_ERROR_ISSUES]).toEqual({ message: '… 150 more issues cut', path: [] });
  });
});
