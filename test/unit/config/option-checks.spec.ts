import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { checkBackoff, checkInteger, checkName, checkPolicy, checkPrefix, checkQueueName, checkRange } from '../../../lib/config/option-checks.js';
import { MAX_DELAY_MS, MAX_TIMER_MS, OPTION_RANGES, describeRange, type RangedOption } from '../../../lib/config/option-ranges.js';

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

describe('checkRange', () => {
  it('accepts both bounds and fractions where the range allows them', () => {
    expect(checkRange(0, WHERE, 'delay', 'delay')).toBe(0);
    expect(checkRange(0.5, WHERE, 'delay', 'delay')).toBe(0.5);
    expect(checkRange(MAX_DELAY_MS, WHERE, 'delay', 'delay')).toBe(MAX_DELAY_MS);
    expect(checkRange(MAX_TIMER_MS, WHERE, 'timeout', 'timeout')).toBe(MAX_TIMER_MS);
  });

  it('refuses a timeout a Node.js timer cannot hold, and says the range', () => {
    const error = expectRejection(() => checkRange(3_000_000_000, WHERE, 'timeout', 'timeout'), 'timeout');
    expect(error.message).toBe(`${WHERE}: timeout must be a number from 0 to 2147483647 (ms; 0 for no limit), got 3000000000`);
    expectRejection(() => checkRange(MAX_TIMER_MS + 1, WHERE, 'timeout', 'timeout'), 'timeout');
  });

  it('refuses a delay that would be stored as a negative or inexact time', () => {
    expectRejection(() => checkRange(1e19, WHERE, 'delay', 'delay'), 'delay');
    expectRejection(() => checkRange(MAX_DELAY_MS + 1, WHERE, 'delay', 'delay'), 'delay');
  });

  it.each(Object.keys(OPTION_RANGES) as RangedOption[])('gives %s a range within what timers and stored times can hold', (option) => {
    const range = OPTION_RANGES[option];
    expect(range.min).toBeGreaterThanOrEqual(0);
    expect(range.max).toBeLessThan(Number.MAX_SAFE_INTEGER / 2);
    expect(describeRange(range)).toMatch(/^(an integer|a number) from \d+ to \d+$/);
  });

  it('refuses fractions where the range is of integers', () => {
    expect(checkRange(1_000, WHERE, 'leaseMs', 'leaseMs')).toBe(1_000);
    expectRejection(() => checkRange(1_000.5, WHERE, 'leaseMs', 'leaseMs'), 'leaseMs');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '10', null, undefined, true])('rejects %p', (value) => {
    expectRejection(() => checkRange(value, WHERE, 'delay', 'delay'), 'delay');
  });
});

describe('checkName', () => {
  it.each(['email.send', 'a', 'orders:high-priority', 'x'.repeat(256), 'naïve ✓', '...', '.hidden'])('accepts %p', (value) => {
    expect(checkName(value, WHERE, 'queue')).toBe(value);
  });

  it.each(['', 'x'.repeat(257), '{tag}', 'a}b', 'line\nbreak', 'nul\u0000', 'del\u007f', '.', '..', 42, null, undefined])(
    'rejects %p',
    (value) => {
      expectRejection(() => checkName(value, WHERE, 'queue'), 'queue');
    },
  );

  it('accepts a surrogate pair and refuses a lone surrogate, which Redis would store as U+FFFD', () => {
    expect(checkName('emoji-\u{1F600}', WHERE, 'id')).toBe('emoji-\u{1F600}');
    for (const id of ['a\uD800', 'a\uDC00b', '\uDFFF\uD800']) {
      const error = expectRejection(() => checkName(id, WHERE, 'id'), 'id');
      expect(error.message).toMatch(/well-formed Unicode/);
    }
  });
});

describe('checkQueueName', () => {
  it.each(['default', 'orders.high-priority', 'x'.repeat(256)])('accepts %p', (value) => {
    expect(checkQueueName(value, WHERE, 'queue')).toBe(value);
  });

  it("refuses ':', which would make queue 'b' of prefix 'tasks' the keys of queue 'b' of prefix 'tasks:a'", () => {
    const error = expectRejection(() => checkQueueName('billing:default', WHERE, 'queue'), 'queue');
    expect(error.message).toBe(
      `${WHERE}: queue cannot contain ':', which separates the prefix from the queue in Redis keys (queue 'a:b' would be queue 'b' of the prefix '<prefix>:a'), got "billing:default"`,
    );
  });

  it('refuses what checkName refuses', () => {
    expectRejection(() => checkQueueName('{tag}', WHERE, 'queue'), 'queue');
  });
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
    expect(() => checkPolicy({ attempts: 1, backoff: { type: 'fixed', delay: 10 }, timeout: 1.5 }, WHERE)).not.toThrow();
  });

  it.each([
    [{ attempts: 0 }, 'attempts'],
    [{ attempts: 2.5 }, 'attempts'],
    [{ timeout: -100 }, 'timeout'],
    [{ timeout: 2_147_483_648 }, 'timeout'],
    [{ backoff: { type: 'linear', delay: 10 } }, 'backoff.type'],
    [{ backoff: null }, 'backoff'],
  ])('rejects %j naming %s', (policy, field) => {
    expectRejection(() => checkPolicy(policy as never, WHERE), field);
  });

  it('says where an integer range ends when a value passes MAX_SAFE_INTEGER, instead of only its lower bound', () => {
    expect(() => checkInteger(2 ** 60, 'enqueue', 'attempts', 1)).toThrow(/^enqueue: attempts must be an integer from 1 to 9007199254740991, got 1152921504606847000$/);
    expect(() => checkInteger(0, 'enqueue', 'attempts', 1)).toThrow(/^enqueue: attempts must be an integer >= 1, got 0$/);
  });
});

describe('checkPrefix', () => {
  it.each(['tasks', 'tasks:billing', 'app.v2', '.', 'ünïcode prefix'])('accepts %p (a prefix never appears in a URL path)', (value) => {
    expect(checkPrefix(value, WHERE, 'prefix')).toBe(value);
  });

  it.each(['a*', 'a?', 'a[b]', 'a]', 'a\\'])("refuses %p, whose ACL key pattern (~{prefix:*) would match other prefixes' keys", (value) => {
    const error = expectRejection(() => checkPrefix(value, WHERE, 'prefix'), 'prefix');
    expect(error.message).toBe(
      `${WHERE}: prefix cannot contain '*', '?', '[', ']' or '\\', which a Redis ACL key pattern (~{prefix:*) reads as wildcards, ` +
        `so a user limited to this prefix's keys would reach other prefixes' too, got ${JSON.stringify(value)}`,
    );
  });

  it('refuses what every key part refuses', () => {
    expectRejection(() => checkPrefix('{tag}', WHERE, 'prefix'), 'prefix');
    expectRejection(() => checkPrefix('', WHERE, 'prefix'), 'prefix');
  });
});
