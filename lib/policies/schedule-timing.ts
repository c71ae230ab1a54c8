import { Cron } from 'croner';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { checkInteger, checkKnownKeys } from '../config/option-checks.js';

// Pure timing rules of schedules: validation (shared by @TaskHandler and
// TaskQueue.schedule, so both reject with the same words) and the next-due
// arithmetic the firer uses. Times are epoch ms of Redis' clock, passed in.

/** Shortest `every` accepted, in ms: below this the fleet would spend its time firing. */
export const MIN_EVERY_MS = 100;

/** A validated timing: exactly one of cron and every; timezone only with cron. */
export type ScheduleSpec = { cron: string; every: null; timezone: string | null } | { cron: null; every: number; timezone: null };

/** The first run of a cron expression strictly after `afterMs`, or null when it has none. */
function nextCronRun(cron: string, timezone: string | null, afterMs: number): number | null {
  // Without a function croner starts no timer: this object only computes dates.
  const job = new Cron(cron, { mode: '5-or-6-parts', ...(timezone !== null && { timezone }) });
  return job.nextRun(new Date(afterMs))?.getTime() ?? null;
}

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
 * or `every` (integer ms >= MIN_EVERY_MS). `otherKeys` are allowed and left to
 * the caller; `field` names the object in messages ('schedule' for the handler option).
 */
export function checkScheduleSpec(value: unknown, where: string, field: string, otherKeys: readonly string[] = [], nowMs = Date.now()): ScheduleSpec {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} must be an object { cron, timezone? } or { every }`);
  }
  checkKnownKeys(value, ['cron', 'every', 'timezone', ...otherKeys], where, field);
  const { cron, every, timezone } = value as { cron?: unknown; every?: unknown; timezone?: unknown };
  if ((cron === undefined) === (every === undefined)) {
    throw new InvalidTaskOptionsError(`${where}: ${field} needs exactly one of cron and every`);
  }
  if (every !== undefined) {
    if (timezone !== undefined) throw new InvalidTaskOptionsError(`${where}: timezone applies to cron schedules only, not to every`);
    return { cron: null, every: checkInteger(every, where, `${field}.every`, MIN_EVERY_MS), timezone: null };
  }
  const zone = timezone === undefined ? null : checkTimezone(timezone, where);
  return { cron: checkCron(cron, zone, where, nowMs), every: null, timezone: zone };
}

/** The first occurrence of a new (or retimed) schedule: strictly after `nowMs`; null when there is none. */
export function firstOccurrence(spec: ScheduleSpec, nowMs: number): number | null {
  if (spec.every !== null) return nowMs + spec.every;
  return nextCronRun(spec.cron, spec.timezone, nowMs);
}

/**
 * Where `next` moves when the occurrence due at `dueMs` fires at `nowMs`: the
 * first occurrence strictly after both. Occurrences between them are skipped,
 * so a fleet that was down for hours runs one catch-up, not one per missed period.
 * An `every` schedule stays on its grid (dueMs + k * every). Null: no more occurrences.
 */
export function followingOccurrence(spec: ScheduleSpec, dueMs: number, nowMs: number): number | null {
  if (spec.every !== null) {
    const periods = nowMs < dueMs ? 1 : Math.floor((nowMs - dueMs) / spec.every) + 1;
    return dueMs + periods * spec.every;
  }
  return nextCronRun(spec.cron, spec.timezone, Math.max(dueMs, nowMs));
}
