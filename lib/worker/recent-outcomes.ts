import type { Lease } from '../engine/attempt.js';
import type { UnnamedLease } from '../engine/task-engine.js';

/**
 * How many recorded outcomes a worker remembers. A failover loses the writes
 * of its last moments, so only recent ones matter; at 30,000 tasks a second
 * this still covers two seconds, and it holds a few megabytes at most. (The
 * store can report such a lease long after: while the switch lasts, nothing
 * recovers its expired lease. An outcome forgotten by then is taken for a
 * reply never received, as before this was kept.)
 */
const CAPACITY = 65_536;
/**
 * A lease the store reports must have started before the outcome recorded
 * for it, give or take the two clocks and the reply's way back: this much.
 */
const CLOCK_SLACK_MS = 50;

/**
 * The leases whose outcome the store took (completed or failed, each of
 * which used its attempt), newest last: a ring of fixed size, so recording
 * one costs three array writes. When a renewal
 * finds a task still leased to this worker that the worker no longer holds,
 * this tells a run it finished (whose record the store lost, as in a failover
 * to a replica the settle had not reached: the attempt was used) from a fetch
 * reply it never received (the attempt was not).
 */
export class RecentOutcomes {
  private readonly ids = new Array<string>(CAPACITY);
  private readonly tokens = new Array<string>(CAPACITY);
  private readonly times = new Float64Array(CAPACITY);
  private next = 0;
  private size = 0;

  add(lease: Lease, at = Date.now()): void {
    this.ids[this.next] = lease.id;
    this.tokens[this.next] = lease.token;
    this.times[this.next] = at;
    this.next = (this.next + 1) % CAPACITY;
    if (this.size < CAPACITY) this.size += 1;
  }

  /**
   * Splits leases the store reports as this worker's but unnamed: those this
   * worker recorded an outcome for (same task, same token, started before the
   * outcome was recorded) and the others.
   */
  split(unnamed: readonly UnnamedLease[], now = Date.now()): { finished: Lease[]; neverReceived: Lease[] } {
    const byId = new Map(unnamed.map((lease) => [lease.id, lease]));
    const finished: Lease[] = [];
    for (let k = 1; k <= this.size && byId.size > 0; k++) {
      const at = (this.next - k + CAPACITY) % CAPACITY;
      const recordedAgo = now - this.times[at];
      const lease = byId.get(this.ids[at]);
      if (lease === undefined || lease.token !== this.tokens[at] || lease.ageMs + CLOCK_SLACK_MS < recordedAgo) continue;
      finished.push({ id: lease.id, token: lease.token });
      byId.delete(lease.id);
    }
    return { finished, neverReceived: [...byId.values()].map(({ id, token }) => ({ id, token })) };
  }
}
