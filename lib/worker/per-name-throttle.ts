/** At most one line per task name in this window. */
const WINDOW_MS = 60_000;

/**
 * Lets one log line per task name through per minute, and counts those it
 * holds back, so that a flood of one kind of task cannot flood the log.
 */
export class PerNameThrottle {
  private readonly last = new Map<string, { at: number; since: number }>();

  /** null: hold this line back; else how many lines of the name were held back since the last one. */
  pass(name: string, now: number): number | null {
    const seen = this.last.get(name);
    if (seen && now - seen.at < WINDOW_MS) {
      seen.since += 1;
      return null;
    }
    this.last.set(name, { at: now, since: 0 });
    return seen ? seen.since : 0;
  }
}
