import type { Logger } from '@nestjs/common';
import type { FireRequest, ScheduleEngine, StoredSchedule } from '../engine/schedule-engine.js';
import { followingOccurrence } from '../policies/schedule-timing.js';

/** Longest an instance goes without reading the schedules: how soon it sees one added or changed elsewhere. */
export const SCHEDULE_POLL_MS = 1_000;
/**
 * Occurrences missed by less than this are each fired, one per pass with no
 * wait in between: a schedule made or retimed elsewhere is seen up to a poll
 * late, and its first occurrences are no downtime. Those missed longer ago
 * (every instance was down) collapse into one catch-up.
 */
export const LATE_WINDOW_MS = 2 * SCHEDULE_POLL_MS;
/** Due schedules read per queue per pass; a full batch makes the next pass start at once. */
const DUE_BATCH = 100;

/**
 * One look at the schedules: fires the due ones and says when to look again.
 * Every instance with a worker runs passes; all may try to fire the same
 * occurrence, and the engine's compare-and-set on (due time, revision) lets
 * exactly one succeed. Due times are judged by the store's clock.
 */
export class ScheduleFirer {
  /** Schedules skipped (unreadable timing, a ':' queue), by 'queue/id@revision': logged once each. */
  private readonly unreadable = new Set<string>();
  /**
   * How many due schedules the last pass skipped. A skipped one keeps its old
   * due time, so it stays at the head of its queue's due list: each read takes
   * this many more, or a queue with a full batch of them would hide the ones
   * behind it and make every pass start at once.
   */
  private skipped = 0;

  constructor(
    private readonly engine: Pick<ScheduleEngine, 'now' | 'due' | 'fire'>,
    private readonly logger: Pick<Logger, 'warn'>,
    /** Told of each occurrence task this instance added (for the enqueued counter). */
    private readonly onAdded: (queue: string, name: string) => void = () => undefined,
  ) {}

  /** Fires what is due; resolves with how many ms to wait before the next pass. */
  async pass(): Promise<number> {
    const startedAt = Date.now();
    const now = await this.engine.now();
    const { due, upcoming, more } = await this.engine.due(now, DUE_BATCH + this.skipped);

    let earliest = upcoming;
    let skipped = 0;
    const requests: FireRequest[] = [];
    const names: string[] = [];
    for (const schedule of due) {
      // Saved by 0.1.0, which took ':' in queue names: its tasks would go to another prefix's keys.
      if (schedule.queue.includes(':')) {
        skipped++;
        this.warnOnce(
          schedule,
          `schedule '${schedule.id}' is on queue '${schedule.queue}', whose ':' this version refuses (queue 'a:b' would be queue 'b' ` +
            `of the prefix '<prefix>:a'); it does not fire: unschedule it and schedule it again on a queue without ':'`,
        );
        continue;
      }
      let nextDue: number | null;
      try {
        const recent = now - schedule.next < LATE_WINDOW_MS;
        nextDue = followingOccurrence(schedule.spec, schedule.next, recent ? schedule.next : now);
      } catch (error) {
        skipped++;
        this.warnUnreadable(schedule, error);
        continue;
      }
      requests.push({ queue: schedule.queue, id: schedule.id, due: schedule.next, revision: schedule.revision, nextDue });
      names.push(schedule.name);
      if (nextDue !== null) earliest = earliest === null ? nextDue : Math.min(earliest, nextDue);
    }
    const results = await this.engine.fire(requests);
    results.forEach((result, i) => result === 'added' && this.onAdded(requests[i].queue, names[i]));

    this.skipped = skipped;
    if (more) return 0;
    if (earliest === null) return SCHEDULE_POLL_MS;
    const elapsed = Date.now() - startedAt;
    return Math.max(0, Math.min(SCHEDULE_POLL_MS, earliest - now - elapsed));
  }

  private warnUnreadable(schedule: StoredSchedule, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.warnOnce(schedule, `schedule '${schedule.id}' (queue '${schedule.queue}') has a timing that cannot be computed (${reason}); it does not fire until changed`);
  }

  /** Warns once per revision of a schedule this instance skips. */
  private warnOnce(schedule: StoredSchedule, line: string): void {
    const key = `${schedule.queue}/${schedule.id}@${schedule.revision}`;
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    this.logger.warn(line);
  }
}
