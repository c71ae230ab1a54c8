import type { Logger } from '@nestjs/common';
import { followingOccurrence } from '../policies/schedule-timing.js';
import type { DueEntry, FireRequest, ScheduleStore } from '../redis/redis-schedule-engine.js';

/** What a pass needs of the store. */
export type FirerStore = Pick<ScheduleStore, 'now' | 'directory' | 'due' | 'read' | 'fire' | 'remove' | 'queueOf' | 'forget'>;

/** Longest an instance goes without reading the schedules: how soon it sees one added or changed elsewhere. */
export const SCHEDULE_POLL_MS = 1_000;
/** Due schedules read per queue per pass; a full batch makes the next pass start at once. */
const DUE_BATCH = 100;

/**
 * One look at the schedules: fires the due ones and says when to look again.
 * Every instance with a worker runs passes; all may try to fire the same
 * occurrence, and the fire-schedule script's compare-and-set on (due time,
 * revision) lets exactly one succeed. Due times are judged by Redis' clock.
 */
export class ScheduleFirer {
  /** Schedules whose stored timing could not be read, by 'queue/id@revision': logged once each. */
  private readonly unreadable = new Set<string>();

  constructor(private readonly store: FirerStore, private readonly logger: Pick<Logger, 'warn'>) {}

  /** Fires what is due; resolves with how many ms to wait before the next pass. */
  async pass(): Promise<number> {
    const startedAt = Date.now();
    const [now, directory] = await Promise.all([this.store.now(), this.store.directory()]);
    const queues = [...new Set(directory.values())];
    if (queues.length === 0) return SCHEDULE_POLL_MS;

    const { due, upcoming } = await this.store.due(queues, now, DUE_BATCH);
    const listed = due.filter((entry) => directory.get(entry.id) === entry.queue);
    await this.removeStrays(due.filter((entry) => directory.get(entry.id) !== entry.queue));

    let earliest = upcoming;
    const requests: FireRequest[] = [];
    const states = await this.store.read(listed);
    for (const [i, entry] of listed.entries()) {
      const state = states[i];
      if (state === null) {
        // An index entry without a readable definition: nothing to fire, ever.
        await this.store.remove(entry.queue, entry.id);
        continue;
      }
      if (state.next !== entry.due) {
        earliest = min(earliest, state.next); // fired or changed since the index was read
        continue;
      }
      let nextDue: number | null;
      try {
        nextDue = followingOccurrence(state.spec, state.next, now);
      } catch (error) {
        this.warnUnreadable(entry, state.revision, error);
        continue;
      }
      requests.push({ queue: entry.queue, id: entry.id, due: state.next, revision: state.revision, nextDue });
      if (nextDue !== null) earliest = min(earliest, nextDue);
    }

    const fired = await this.store.fire(requests);
    for (const [i, request] of requests.entries()) {
      // The last occurrence of a schedule that has no more: the script removed its definition.
      if (fired[i] && request.nextDue === null) await this.store.forget(request.id);
    }

    const batchFull = queues.some((queue) => due.filter((entry) => entry.queue === queue).length >= DUE_BATCH);
    if (batchFull) return 0;
    if (earliest === null) return SCHEDULE_POLL_MS;
    const elapsed = Date.now() - startedAt;
    return Math.max(0, Math.min(SCHEDULE_POLL_MS, earliest - now - elapsed));
  }

  /** Definitions the directory does not point at (an interrupted move or unschedule) are removed, after a fresh look. */
  private async removeStrays(strays: readonly DueEntry[]): Promise<void> {
    for (const entry of strays) {
      if ((await this.store.queueOf(entry.id)) !== entry.queue) await this.store.remove(entry.queue, entry.id);
    }
  }

  private warnUnreadable(entry: DueEntry, revision: string, error: unknown): void {
    const key = `${entry.queue}/${entry.id}@${revision}`;
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`schedule '${entry.id}' (queue '${entry.queue}') has a timing that cannot be computed (${reason}); it does not fire until changed`);
  }
}

function min(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}
