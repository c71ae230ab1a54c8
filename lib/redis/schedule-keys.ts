import { GENERATION_SUFFIX, ITEM_KEY_SUFFIXES, QUEUE_KEY_SUFFIXES, SCHEDULE_DIRECTORY_SUFFIX, SCHEDULE_REVISION_SUFFIX } from './protocol.js';
import { QueueKeys } from './queue-keys.js';

/**
 * Where schedules live.
 *
 * Redis Cluster: a schedule's definition hash and its entry in the queue's
 * due-time index (a sorted set scored by the next due time) carry the hash tag
 * `{prefix:queue}` of the queue its occurrences go to, so firing (check the due
 * time, add the occurrence task, move the due time) is one script in one slot,
 * with the queue's own keys. The directory of every schedule of the prefix
 * (hash `{prefix:}:schedules`, id -> queue) sits in one slot of its own: no
 * queue can use it (queue names are non-empty), it still starts with `{prefix:`
 * (so ACL key patterns and cleanup by prefix cover it), and it is only ever
 * read or written by single commands, never inside a script, so no script
 * spans two slots. Write order keeps the two consistent enough: saving writes
 * the directory first, removing deletes the definition first, and the firer
 * ignores (and removes) definitions the directory does not point at.
 *
 * Beside the directory, `{prefix:}:schedules-rev` holds a random token set
 * after each change of it: a firer reads the directory again only when the
 * token changed, so a pass costs a read per queue with schedules, not one
 * per schedule. `{prefix:}:generation` holds a random mark made when first
 * read: a firer that finds it gone or changed knows Redis lost its data (a
 * restart without persistence, a flush) and saves the declared schedules again.
 */
export class ScheduleKeys {
  /** The queue's keys, which the firing script also takes. */
  readonly queue: QueueKeys;
  /** The queue's schedules, scored by next due time (epoch ms). */
  readonly due: string;

  constructor(prefix: string, queue: string) {
    this.queue = new QueueKeys(prefix, queue);
    this.due = this.queue.base + QUEUE_KEY_SUFFIXES.schedules;
  }

  /** The prefix-wide directory: schedule id -> queue. */
  static directory(prefix: string): string {
    return `{${prefix}:}:${SCHEDULE_DIRECTORY_SUFFIX}`;
  }

  /** The directory's revision token: changes after every change of the directory. */
  static revision(prefix: string): string {
    return `{${prefix}:}:${SCHEDULE_REVISION_SUFFIX}`;
  }

  /** The mark of what the prefix holds (see above). */
  static generation(prefix: string): string {
    return `{${prefix}:}:${GENERATION_SUFFIX}`;
  }

  /** The hash holding one schedule's definition. */
  definition(id: string): string {
    return this.queue.base + ITEM_KEY_SUFFIXES.schedule + id;
  }
}
