import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { checkBackoff, checkInteger, checkName, checkNumber, checkPolicy } from '../../../lib/config/option-checks.js';

const WHERE = "enqueue('email.send')";

/** The error `fn` throws (fails the test when it throws nothing). */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** Asserts an InvalidTaskOptionsError whose message names the caller and the field. */
function expectRejection(fn: () => unknown, field: string): Error {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(InvalidTaskOptionsError);
  expect(error).toBeInstanceOf(TypeError);
  expect(error.message).toContain(WHERE);
  expect(error.message).toContain(field);
  return error;
}

describe('checkInteger', () => {
  it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])('accepts %p for a minimum of 0 and returns it', (value) => {
    expect(checkInteger(value, WHERE, 'attempts', 0)).toBe(value);
  });

  it('accepts both bounds of a closed range', () => {
    expect(checkInteger(-5, WHERE, 'priority', -5, 5)).toBe(-5);
    expect(checkInteger(5, WHERE, 'priority', -5, 5)).toBe(5);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, undefined, {}, 3n])('rejects %p', (value) => {
    expectRejection(() => checkInteger(value, WHERE, 'attempts', 0), 'attempts');
  });

  it('rejects values outside a closed range and says the range', () => {
    const error = expectRejection(() => checkInteger(6, WHERE, 'priority', -5, 5), 'priority');
    expect(error.message).toContain('from -5 to 5');
    expect(error.message).toContain('got 6');
    expect(() => checkInteger(-6, WHERE, 'priority', -5, 5)).toThrow(InvalidTaskOptionsError);
  });

  it('says the minimum and the value given for an open range', () => {
    const error = expectRejection(() => checkInteger(0, WHERE, 'attempts', 1), 'attempts');
    expect(error.message).toBe(`${WHERE}: attempts must be an integer >= 1, got 0`);
  });

  it('describes strings and bigints so they are told apart from numbers', () => {
    expect(thrownBy(() => checkInteger('3', WHERE, 'attempts', 1)).message).toContain('got "3"');
    expect(thrownBy(() => checkInteger(3n, WHERE, 'attempts', 1)).message).toContain('got 3n');
  });
});

describe('checkNumber', () => {
  it('accepts the minimum when inclusive and fractions above it', () => {
    expect(checkNumber(0, WHERE, 'delay', 0)).toBe(0);
    expect(checkNumber(0.5, WHERE, 'delay', 0)).toBe(0.5);
  });

  it('rejects the minimum when exclusive, and says so', () => {
    const error = expectRejection(() => checkNumber(0, WHERE, 'timeout', 0, true), 'timeout');
    expect(error.message).toContain('> 0');
    expect(checkNumber(1, WHERE, 'timeout', 0, true)).toBe(1);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '10', null, undefined, true])('rejects %p', (value) => {
    expectRejection(() => checkNumber(value, WHERE, 'delay', 0), 'delay');
  });
});

describe('checkName', () => {
  it.each(['email.send', 'a', 'orders:high-priority', 'x'.repeat(256), 'naïve ✓'])('accepts %p', (value) => {
    expect(checkName(value, WHERE, 'queue')).toBe(value);
  });

  it.each(['', 'x'.repeat(257), '{tag}', 'a}b', 'line\nbreak', 'nul\u0000', 'del\u007f', 42, null, undefined])(
    'rejects %p',
    (value) => {
      expectRejection(() => checkName(value, WHERE, 'queue'), 'queue');
    },
  );
});

describe('checkBackoff', () => {
  it('accepts fixed and exponential backoffs and returns them', () => {
    expect(checkBackoff({ type: 'fixed', delay: 0 }, WHERE)).toEqual({ type: 'fixed', delay: 0 });
    expect(checkBackoff({ type: 'exponential', delay: 1000, maxDelay: 30_000 }, WHERE)).toEqual({
      type: 'exponential',
      delay: 1000,
      maxDelay: 30_000,
    });
  });

  it.each([null, undefined, 'fixed', 1000])('rejects the non-object %p', (value) => {
    expectRejection(() => checkBackoff(value, WHERE), 'backoff');
  });

  it('rejects an unknown type and names backoff.type', () => {
    const error = expectRejection(() => checkBackoff({ type: 'linear', delay: 100 }, WHERE), 'backoff.type');
    expect(error.message).toContain('"linear"');
  });

  it.each([-1, 1.5, undefined, '100'])('rejects the delay %p and names backoff.delay', (delay) => {
    expectRejection(() => checkBackoff({ type: 'fixed', delay }, WHERE), 'backoff.delay');
  });

  it.each([-1, 2.5, '100', null])('rejects the maxDelay %p and names backoff.maxDelay', (maxDelay) => {
    expectRejection(() => checkBackoff({ type: 'exponential', delay: 100, maxDelay }, WHERE), 'backoff.maxDelay');
  });
});

describe('checkPolicy', () => {
  it('accepts an empty policy and a full valid one', () => {
    expect(() => checkPolicy({}, WHERE)).not.toThrow();
    expect(() => checkPolicy({ attempts: 1, backoff: { type: 'fixed', delay: 10 }, timeout: 0.5 }, WHERE)).not.toThrow();
  });

  it.each([
    [{ attempts: 0 }, 'attempts'],
    [{ attempts: 2.5 }, 'attempts'],
    [{ timeout: 0 }, 'timeout'],
    [{ timeout: -100 }, 'timeout'],
    [{ backoff: { type: 'linear', delay: 10 } }, 'backoff.type'],
    [{ backoff: null }, 'backoff'],
  ])('rejects %j naming %s', (policy, field) => {
    expectRejection(() => checkPolicy(policy as never, WHERE), field);
  });
});
