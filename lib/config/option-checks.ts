import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import { NO_RETENTION_LIMIT, type RemoveOption, type RetentionOverride } from '../interfaces/retention-option.js';
import type { TaskPolicyOptions } from '../interfaces/task-policy-options.interface.js';
import { OPTION_RANGES, describeRange, type RangedOption } from './option-ranges.js';

/**
 * The option names of an options type, one key each: written as
 * `{ a: true, b: true } satisfies OptionKeys<T>`, the compiler points at the
 * list when T gains or loses an option.
 */
export type OptionKeys<T> = Readonly<Record<keyof T, true>>;

// Checks shared by module options, handler options and enqueue options, so the
// three reject bad values with the same words. `where` names the caller, e.g.
// "enqueue('email.send')" or "@TaskHandler('email.send')".

/**
 * A value as an error message shows it: strings quoted, numbers as written
 * (NaN, Infinity), objects by kind ("an array", "a Map"), never their
 * contents (a function's source, say).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  const kind = Object.prototype.toString.call(value).slice('[object '.length, -1);
  if (kind === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * Whether `value` is an options object: a plain object or a class instance,
 * not null, an array, a Map, a Date or another built-in, whose keys a check
 * would not see (a Map's entries) or would find none of and default. A class
 * that gives itself a `Symbol.toStringTag` is taken for a built-in.
 */
export function isOptionsObject<T>(value: T): value is T & Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]';
}

/** Throws unless `value` is an integer within [min, max]. */
export function checkInteger(value: unknown, where: string, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    // Past MAX_SAFE_INTEGER, '>= min' would read as satisfied: say where the range ends.
    const unbounded = max === Number.MAX_SAFE_INTEGER && !(typeof value === 'number' && value > max);
    const range = unbounded ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidTaskOptionsError(`${where}: ${field} must be an integer ${range}, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is within the range OPTION_RANGES gives `option`. */
export function checkRange(value: unknown, where: string, field: string, option: RangedOption): number {
  const range = OPTION_RANGES[option];
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (!range.integer || Number.isInteger(value)) && value >= range.min && value <= range.max;
  if (!ok) {
    const unit = 'zeroMeans' in range ? `ms; 0 for ${range.zeroMeans}` : 'ms';
    throw new InvalidTaskOptionsError(`${where}: ${field} must be ${describeRange(range)} (${unit}), got ${describeValue(value)}`);
  }
  return value as number;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws unless `value` is a usable name: non-empty, at most 256 characters, no
 * braces or control characters, and well-formed Unicode.
 */
export function checkName(value: unknown, where: string, field: string): string {
  const name = checkKeyPart(value, where, field);
  // A browser rewrites these path segments away, so the dashboard could not open such a queue or task.
  if (name === '.' || name === '..') throw new InvalidTaskOptionsError(`${where}: ${field} cannot be '.' or '..' (a URL path cannot name it), got '${name}'`);
  return name;
}

/** Characters a Redis ACL key pattern reads as wildcards or escapes. */
const GLOB = /[*?[\]\\]/;

/**
 * Throws unless `value` is a usable key prefix: a key part (see checkName)
 * without the characters of Redis' glob patterns. operations.md's ACL rule is
 * the prefix followed by `:*`: a prefix 'a*' would make it `~{a*:*`, which
 * lets that app's user read the keys of prefix 'ab', another app's.
 */
export function checkPrefix(value: unknown, where: string, field: string): string {
  const prefix = checkKeyPart(value, where, field);
  if (GLOB.test(prefix)) {
    throw new InvalidTaskOptionsError(
      `${where}: ${field} cannot contain '*', '?', '[', ']' or '\\', which a Redis ACL key pattern (~{prefix:*) reads as wildcards, ` +
        `so a user limited to this prefix's keys would reach other prefixes' too, got ${describeValue(prefix)}`,
    );
  }
  return prefix;
}

/** The checks of checkName that every part of a key needs. */
function checkKeyPart(value: unknown, where: string, field: string): string {
  // Braces would break the Redis Cluster hash tag every key carries; control
  // characters would break the newline-separated replies of some scripts. A
  // lone surrogate is sent to Redis as U+FFFD, so two different ids would
  // become one key: such strings are refused rather than silently rewritten.
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /[{}\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidTaskOptionsError(
      `${where}: ${field} must be a non-empty string of at most 256 characters (UTF-16 code units: an emoji counts as two) without braces or control characters, got ${describeValue(value)}`,
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} must be well-formed Unicode (it holds a lone surrogate, which Redis would store as U+FFFD)`);
  }
  return value;
}

/**
 * Throws unless `value` is a usable queue name: a name (see checkName) without
 * ':'. Every key of a queue starts with the hash tag `{prefix:queue}`, so queue
 * 'billing:default' of prefix 'tasks' would be queue 'default' of prefix
 * 'tasks:billing', another app's. BullMQ refuses ':' in queue names too.
 */
export function checkQueueName(value: unknown, where: string, field: string): string {
  const name = checkName(value, where, field);
  if (name.includes(':')) {
    throw new InvalidTaskOptionsError(
      `${where}: ${field} cannot contain ':', which separates the prefix from the queue in Redis keys ` +
        `(queue 'a:b' would be queue 'b' of the prefix '<prefix>:a'), got ${describeValue(name)}`,
    );
  }
  return name;
}

/** Throws on keys `allowed` does not list: a typo in an option name must not pass silently. */
export function checkKnownKeys(
  value: object,
  allowed: readonly string[] | Readonly<Record<string, true>>,
  where: string,
  field: string,
  /** What an unknown option is called here, when it has a name elsewhere (renamed-options.ts). */
  hint: (path: string) => string = () => '',
): void {
  const names: readonly string[] = Array.isArray(allowed) ? (allowed as readonly string[]) : Object.keys(allowed);
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) {
      const path = `${field ? `${field}.` : ''}${key}`;
      throw new InvalidTaskOptionsError(`${where}: unknown option '${path}' (known: ${names.join(', ')})${hint(path)}`);
    }
  }
}

const BACKOFF_KEYS = { type: true, delay: true, maxDelay: true } as const satisfies OptionKeys<BackoffOptions>;
const RETENTION_KEYS = { age: true, count: true } as const satisfies OptionKeys<Exclude<RemoveOption, boolean>>;

/** A task's priority: an integer from -1,000,000 to 1,000,000 (the range its wait score holds), higher first. */
export function checkPriority(value: unknown, where: string, field = 'priority'): number {
  return checkInteger(value, where, field, -1_000_000, 1_000_000);
}

/** A per-task or per-handler retention option, checked: null keeps the module's retention. */
export function checkRemoveOption(value: RemoveOption | undefined, where: string, field: string): RetentionOverride | null {
  if (value === undefined) return null;
  if (value === true) return 'remove';
  // Kept, as BullMQ's false keeps a job: no limit of its own (the module's would remove it).
  if (value === false) return { age: NO_RETENTION_LIMIT, count: NO_RETENTION_LIMIT };
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${where}: ${field} must be true, false or { age?, count? }, got ${describeValue(value)}`);
  checkKnownKeys(value, RETENTION_KEYS, where, field);
  return {
    age: value.age === undefined ? null : checkInteger(value.age, where, `${field}.age`, 0),
    count: value.count === undefined ? null : checkInteger(value.count, where, `${field}.count`, 0),
  };
}

/** Throws unless `value` is a valid backoff; `field` is its name in messages (a nested one's path). */
export function checkBackoff(value: unknown, where: string, field = 'backoff'): BackoffOptions {
  if (!isOptionsObject(value)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} must be an object { type, delay, maxDelay? }, got ${describeValue(value)}`);
  }
  const backoff = value as Partial<BackoffOptions>;
  checkKnownKeys(backoff, BACKOFF_KEYS, where, field);
  if (backoff.type !== 'fixed' && backoff.type !== 'exponential') {
    throw new InvalidTaskOptionsError(`${where}: ${field}.type must be 'fixed' or 'exponential', got ${describeValue(backoff.type)}`);
  }
  checkRange(backoff.delay, where, `${field}.delay`, 'backoffDelay');
  if (backoff.maxDelay !== undefined) checkRange(backoff.maxDelay, where, `${field}.maxDelay`, 'backoffMaxDelay');
  return { type: backoff.type, delay: backoff.delay as number, ...(backoff.maxDelay !== undefined && { maxDelay: backoff.maxDelay }) };
}

/**
 * Checks the policy fields that are set; unset ones are left to the next
 * level. `path` goes before each field's name (`'defaults.'` for the module's).
 */
export function checkPolicy(options: TaskPolicyOptions, where: string, path = ''): void {
  if (options.attempts !== undefined) checkInteger(options.attempts, where, `${path}attempts`, 1);
  if (options.backoff !== undefined) checkBackoff(options.backoff, where, `${path}backoff`);
  if (options.timeout !== undefined) checkRange(options.timeout, where, `${path}timeout`, 'timeout');
}
