import { Cron } from 'croner';

// Pure timing rules of schedules: the next-due arithmetic the firer uses.
// Times are epoch ms of the store's clock, passed in.

/** A validated timing: exactly one of cron and every; timezone only with cron. */
export type ScheduleSpec = { cron: string; every: null; timezone: string | null } | { cron: null; every: number; timezone: null };

/**
 * A cron expression read in `timezone`, UTC when none is given: croner's own
 * default is the process's zone, and a fleet whose instances run in different
 * zones (or a container with TZ set) would then fire at an hour that depends
 * on which instance fired last. Without a function croner starts no timer:
 * the object only computes dates.
 */
function cronIn(cron: string, timezone: string | null): Cron {
  return new Cron(cron, { mode: '5-or-6-parts', timezone: timezone ?? 'Etc/UTC' });
}

/** The first run of a cron expression strictly after `afterMs`, or null when it has none. Throws on a bad expression. */
export function nextCronRun(cron: string, timezone: string | null, afterMs: number): number | null {
  return cronIn(cron, timezone).nextRun(new Date(afterMs))?.getTime() ?? null;
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

/** The occurrence before the one due at `nextMs` (the schedule's latest, when it has fired), or null when there is none. */
export function previousOccurrence(spec: ScheduleSpec, nextMs: number): number | null {
  if (spec.every !== null) return nextMs - spec.every;
  return cronIn(spec.cron, spec.timezone).previousRuns(1, new Date(nextMs))[0]?.getTime() ?? null;
}
