const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span as one rounded unit: "3s", "5m", "2h", "4d". */
function span(ms: number): string {
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)}h`;
  return `${Math.floor(ms / DAY)}d`;
}

/** An epoch-ms time relative to `now`: "3s ago", "in 5m"; "-" when there is none. */
export function relativeTime(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  return at <= now ? `${span(now - at)} ago` : `in ${span(at - now)}`;
}

/** An epoch-ms time as ISO 8601 (UTC) with its relative form: "2026-12-04T23:40:01.123Z (3s ago)". */
export function absoluteTime(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  return `${new Date(at).toISOString()} (${relativeTime(at, now)})`;
}
