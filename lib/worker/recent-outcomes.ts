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
 * The leases whose outcome the store took (completed or failed, each of
 * which used its attempt), newest last: a ring of fixed size, so recording
 * one costs three array writes. When a renewal finds a task still leased to
 * this worker that the worker no longer holds, this tells a run it finished
 * (whose record the store lost, as in a failover to a replica the settle had
 * not reached: the attempt was used) from a fetch reply it never received
 * (the attempt was not). A lease is named exactly by its task id, its token
 * and the store time it started: the same task fetched again (after a hand
 * back, or its id used again for a new task) starts at another time.
 */
export class RecentOutcomes {
  private readonly ids = new Array<string>(CAPACITY);
  private readonly tokens = new Array<string>(CAPACITY);
  private readonly startedAts = new Float64Array(CAPACITY);
  private next = 0;
  private size = 0;

  /** `startedAt`: when its attempt started, store time (FetchedTask.startedAt). */
  add(lease: Lease, startedAt: number): void {
    this.ids[this.next] = lease.id;
    this.tokens[this.next] = lease.token;
    this.startedAts[this.next] = startedAt;
    this.next = (this.next + 1) % CAPACITY;
    if (this.size < CAPACITY) this.size += 1;
  }

  /** Splits leases the store reports as this worker's but unnamed: those this worker recorded an outcome for, and the others. */
  split(unnamed: readonly UnnamedLease[]): { finished: UnnamedLease[]; neverReceived: UnnamedLease[] } {
    const byId = new Map(unnamed.map((lease) => [lease.id, lease]));
    const finished: UnnamedLease[] = [];
    for (let k = 1; k <= this.size && byId.size > 0; k++) {
      const at = (this.next - k + CAPACITY) % CAPACITY;
      const lease = byId.get(this.ids[at]);
      if (lease === undefined || lease.token !== this.tokens[at] || lease.startedAt !== this.startedAts[at]) continue;
      finished.push(lease);
      byId.delete(lease.id);
    }
    return { finished, neverReceived: [...byId.values()] };
  }
}
