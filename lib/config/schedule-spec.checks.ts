import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { nextCronRun, type ScheduleSpec } from '../policies/schedule-timing.js';
import { checkKnownKeys, checkRange, describeValue, isOptionsObject } from './option-checks.js';
import { OPTION_RANGES } from './option-ranges.js';
import { scheduleOptionHint } from './renamed-options.js';

// Validation of schedule timings, shared by @TaskHandler and
// TaskQueue.schedule so both reject with the same words.

/** Shortest `every` accepted, in ms: below this the fleet would spend its time firing. */
export const MIN_EVERY_MS = OPTION_RANGES.every.min;

function checkTimezone(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidTaskOptionsError(`${where}: timezone must be an IANA timezone name such as 'Europe/Berlin', got ${JSON.stringify(value)}`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new InvalidTaskOptionsError(`${where}: unknown timezone '${value}' (expected an IANA name such as 'Europe/Berlin')`);
  }
  return value;
}

function checkCron(value: unknown, timezone: string | null, where: string, nowMs: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 256) {
    throw new InvalidTaskOptionsError(`${where}: cron must be a non-empty cron expression string, got ${JSON.stringify(value)}`);
  }
  const cron = value.trim();
  // Counted here: the parser's own words for a wrong count name a mode of its options, not the expression.
  const fields = cron.split(/\s+/).length;
  if (!cron.startsWith('@') && fields !== 5 && fields !== 6) {
    throw new InvalidTaskOptionsError(
      `${where}: invalid cron expression '${cron}' (it has ${fields} field${fields === 1 ? '' : 's'}; ` +
        "a cron expression has 5: minute hour day-of-month month day-of-week, or 6 with seconds first; or a nickname such as '@hourly')",
    );
  }
  let next: number | null;
  try {
    next = nextCronRun(cron, timezone, nowMs);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new InvalidTaskOptionsError(`${where}: invalid cron expression '${cron}' (${reason})`);
  }
  if (next === null) throw new InvalidTaskOptionsError(`${where}: cron expression '${cron}' has no future occurrence`);
  return cron;
}

/**
 * Validates a timing object: `cron` (5 or 6 fields, optionally with `timezone`)
 * or `every` (integer ms in OPTION_RANGES.every). `otherKeys` are allowed and left to
 * the caller; `field` names the object in messages ('schedule' for the handler option).
 */
export function checkScheduleSpec(value: unknown, where: string, field: string, otherKeys: readonly string[] = [], nowMs = Date.now()): ScheduleSpec {
  if (!isOptionsObject(value)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} must be an object { cron, timezone? } or { every }, got ${describeValue(value)}`);
  }
  checkKnownKeys(value, ['cron', 'every', 'timezone', ...otherKeys], where, field, scheduleOptionHint);
  const { cron, every, timezone } = value as { cron?: unknown; every?: unknown; timezone?: unknown };
  if ((cron === undefined) === (every === undefined)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} needs exactly one of cron and every`);
  }
  if (every !== undefined) {
    if (timezone !== undefined) throw new InvalidTaskOptionsError(`${where}: timezone applies to cron schedules only, not to every`);
    return { cron: null, every: checkRange(every, where, `${field}.every`, 'every'), timezone: null };
  }
  const zone = timezone === undefined ? null : checkTimezone(timezone, where);
  return { cron: checkCron(cron, zone, where, nowMs), every: null, timezone: zone };
}
