import { QUEUE_DIRECTORY_SUFFIX } from './protocol.js';
import { redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';

/**
 * The registry of a prefix's queue names, the set `{prefix:}:queues`: in the
 * prefix-wide slot beside the schedule and worker directories (its own slot
 * on a Cluster, still under the prefix for ACL key patterns and cleanup), and
 * never touched by a queue's script, so no script spans two slots (the
 * heartbeat script writes it, beside the worker directory in the same slot).
 * Names are added by the first enqueue of this engine to a
 * queue, by pausing it, by every worker heartbeat and by saving a schedule; obliterate
 * removes the name. It is a list of names, not of contents: a queue stays
 * listed once its tasks are gone, until it is obliterated, and a first batch
 * the enqueue script refuses (a missing dependency) still lists its queue.
 */
export class QueueDirectory {
  /** The registry's key. */
  readonly key: string;
  /** Queues this engine has registered (true) or is registering (the pending command), so later enqueues send nothing more. */
  private readonly known = new Map<string, Promise<void> | true>();

  constructor(private readonly client: RedisClient, prefix: string) {
    this.key = QueueDirectory.keyOf(prefix);
  }

  /** The registry key of a prefix. */
  static keyOf(prefix: string): string {
    return `{${prefix}:}:${QUEUE_DIRECTORY_SUFFIX}`;
  }

  /**
   * Adds the queues this engine has not added yet, in one command sent at
   * once (beside the enqueue batch, so in the same round trip), and returns
   * what resolves once they are stored; null when every one is stored
   * already, so later enqueues to a queue pay nothing. A failure is
   * forgotten, so the next enqueue sends the command again.
   */
  registerOnce(queues: Iterable<string>): Promise<void> | null {
    let fresh: string[] | null = null;
    let pending: Array<Promise<void>> | null = null;
    for (const queue of queues) {
      const known = this.known.get(queue);
      if (known === true) continue;
      if (known) (pending ??= []).push(known);
      else (fresh ??= []).push(queue);
    }
    if (fresh) {
      const names = fresh;
      const added = redacted(this.client.sadd(this.key, ...names)).then(
        () => {
          for (const queue of names) if (this.known.get(queue) === added) this.known.set(queue, true);
        },
        (error: unknown) => {
          for (const queue of names) if (this.known.get(queue) === added) this.known.delete(queue);
          throw error;
        },
      );
      for (const queue of names) this.known.set(queue, added);
      (pending ??= []).push(added);
    }
    if (!pending) return null;
    return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
  }

  /** Adds queues whether or not this engine added them before (a heartbeat or a schedule; not on the enqueue path). */
  async register(queues: readonly string[]): Promise<void> {
    if (queues.length > 0) await redacted(this.client.sadd(this.key, ...queues));
  }

  /** Removes a queue (obliterate); this engine's next enqueue to it adds it again. */
  async forget(queue: string): Promise<void> {
    this.known.delete(queue);
    await redacted(this.client.srem(this.key, queue));
  }

  /** Every registered queue name, in no particular order. */
  list(): Promise<string[]> {
    return redacted(this.client.smembers(this.key));
  }
}
