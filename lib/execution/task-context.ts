import { describeValue } from '../config/option-checks.js';
import { bytesOver } from '../engine/payload-json.js';
import { collectionLostInJson, describeLostCollection } from '../engine/json-collections.js';
import type { TaskProgress } from '../interfaces/task-info.interface.js';
import type { AttemptState } from './attempt-state.js';
import { wellFormed } from './well-formed.js';

/** What a TaskContext reaches the store through, for its running attempt. */
export interface TaskContextIo {
  progress(json: string): Promise<void>;
  /** Appends a line to the task's log. */
  log(message: string): Promise<void>;
  dependencies(): Promise<ReadonlyMap<string, unknown>>;
}

/** The state of a context's attempt, for the pipeline (not part of the handler's API). */
export function attemptOf(ctx: TaskContext): AttemptState {
  return ctx[ATTEMPT];
}

const ATTEMPT = Symbol('attempt');
/** Longest log line kept, in characters. */
const MAX_LOG_LINE = 8_192;
/**
 * Largest progress, in UTF-8 bytes of its JSON. Every report is also an event
 * in the queue's stream, which keeps `events.maxLen` of them: a handler
 * reporting a megabyte each second would fill Redis with copies.
 */
export const MAX_PROGRESS_BYTES = 65_536;

/** What a handler knows about the task it runs; its second argument. */
export class TaskContext {
  private readonly [ATTEMPT]: AttemptState;

  constructor(
    /** Task id. */
    readonly id: string,
    /** Task name. */
    readonly name: string,
    /** Queue the task is in. */
    readonly queue: string,
    /** This attempt, 1-based. */
    readonly attempt: number,
    /** Attempts allowed in all. */
    readonly maxAttempts: number,
    /** When the task was enqueued: epoch ms, store time (Redis time). */
    readonly enqueuedAt: number,
    state: AttemptState,
    private readonly io: TaskContextIo,
  ) {
    this[ATTEMPT] = state;
  }

  /** Aborted when the attempt times out, when the worker shuts down past its grace period, or when the lease is lost. */
  get signal(): AbortSignal {
    return this[ATTEMPT].abort.signal;
  }

  /**
   * Results of the tasks this one depended on (`dependsOn`), by task id. The
   * object has no prototype, so any id (even `__proto__`) is just a key.
   */
  async dependencies<R = unknown>(): Promise<Record<string, R>> {
    const results = Object.create(null) as Record<string, R>;
    for (const [id, result] of await this.io.dependencies()) results[id] = result as R;
    return results;
  }

  /**
   * Appends a line, stamped with Redis' time, to the task's log, which
   * `TaskQueue.logs` reads. The log keeps the newest lines (`taskLogs.maxLines`,
   * default 100) and goes with the task when retention removes it. A line
   * longer than 8,192 characters is cut there (never inside a surrogate
   * pair), and a lone surrogate becomes U+FFFD, as Redis would store it: the
   * test mode then reads back what Redis does. After the attempt lost its
   * lease the line is dropped.
   */
  async log(message: string): Promise<void> {
    if (typeof message !== 'string') throw new TypeError(`task ${this.name}: log takes a string, got ${typeof message}`);
    let line = message;
    if (line.length > MAX_LOG_LINE) {
      const end = /[\uD800-\uDBFF]/.test(line[MAX_LOG_LINE - 1]!) ? MAX_LOG_LINE - 1 : MAX_LOG_LINE;
      line = `${line.slice(0, end)}…`;
    }
    await this.io.log(wellFormed(line));
  }

  /**
   * Records progress (a finite number or a JSON object of at most 64 KiB),
   * readable through `TaskQueue.get` and sent as a `progress` event.
   */
  async progress(value: TaskProgress): Promise<void> {
    // NaN and Infinity would be stored as null by JSON, an array is no object here, a BigInt does not serialise.
    const shape = typeof value === 'number' ? Number.isFinite(value) : value !== null && typeof value === 'object' && !Array.isArray(value);
    let json: string | undefined;
    try {
      json = shape ? JSON.stringify(value) : undefined;
    } catch (error) {
      throw new TypeError(`task ${this.name}: progress must be JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (json === undefined) throw new TypeError(`task ${this.name}: progress must be a finite number or a JSON object, got ${describeValue(value)}`);
    const lost = collectionLostInJson(value, json, 'progress');
    if (lost !== null) throw new TypeError(`task ${this.name}: progress must be JSON: ${describeLostCollection(lost)}`);
    const bytes = bytesOver(json, MAX_PROGRESS_BYTES);
    if (bytes !== null) {
      throw new RangeError(
        `task ${this.name}: progress is ${bytes.toLocaleString('en-US')} bytes of JSON, over the 65,536 allowed (each report is also ` +
          'an event in the stream): report a status here, such as a count or a stage, and return the data as the result',
      );
    }
    await this.io.progress(json);
  }
}
