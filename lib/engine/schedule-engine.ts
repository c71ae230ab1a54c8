import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';

/** A recurring schedule: what each occurrence enqueues, with its policy fixed when the schedule was saved. */
export interface ScheduleDefinition {
  id: string;
  queue: string;
  /** Name of the task each occurrence enqueues. */
  name: string;
  payloadJson: string;
  spec: ScheduleSpec;
  /** Priority of each occurrence, as enqueue's (0 unless the schedule gave one). */
  priority: number;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  timeoutMs: number;
  removeOnComplete: RetentionOverride | null;
  removeOnDead: RetentionOverride | null;
  /** Trace context of the schedule() call (a JSON carrier); its occurrences link to it. Absent when tracing is off. */
  traceContext?: string;
}

/** A stored schedule, read back: its payload parsed, its due time, and the revision a firing compares. */
export interface StoredSchedule extends Omit<ScheduleDefinition, 'payloadJson'> {
  payload: unknown;
  /** When the next occurrence is due: epoch ms, store time. */
  next: number;
  revision: string;
}

/** What one firing did (see ScheduleEngine.fire). */
export type FireResult = 'added' | 'existed' | null;

/** One firing: the due time and revision read, and where the due time moves (null: the schedule ends). */
export interface FireRequest {
  queue: string;
  id: string;
  due: number;
  revision: string;
  nextDue: number | null;
}

/** The store of recurring schedules. Due times are judged by the store's clock. */
export interface ScheduleEngine {
  /** Resolves once the store can be used (see TaskEngine.ready). */
  ready(): Promise<void>;
  /** The store's clock, in epoch ms. */
  now(): Promise<number>;
  /**
   * A mark of the store's contents, made when first asked for and the same
   * until the store loses them (a Redis restarted empty or flushed): then a
   * new one. A firer that sees it change saves the declared schedules again.
   */
  generation(): Promise<string>;
  /**
   * Creates or replaces a schedule (moving it when its queue changed). An
   * unchanged timing keeps its stored due time; a new one starts at `firstDue`.
   */
  save(definition: ScheduleDefinition, firstDue: number): Promise<{ next: number; status: 'unchanged' | 'created' | 'updated' }>;
  /** Removes a schedule; false when there was none. Once it resolves, no occurrence of it is added. */
  remove(id: string): Promise<boolean>;
  /** Every schedule. */
  list(): Promise<StoredSchedule[]>;
  /**
   * Schedules due at `now` (up to `limit` per queue, earliest first; `more`
   * when some queue had more), and the earliest due time after `now` (null: none).
   */
  due(now: number, limit: number): Promise<{ due: StoredSchedule[]; upcoming: number | null; more: boolean }>;
  /**
   * Fires each due occurrence whose due time and revision are still those
   * read (a compare-and-set: across a fleet exactly one firing succeeds),
   * adding its task and moving the due time; per request, what this call did:
   * added the occurrence's task, fired it while a task of that id already
   * existed, or nothing (null: someone else fired it, or the schedule changed).
   */
  fire(requests: readonly FireRequest[]): Promise<FireResult[]>;
}
