import type { Lease } from '../engine/attempt.js';
import type { UnnamedLease } from '../engine/task-engine.js';

/**
 * How many recorded outcomes a worker remembers, per queue. A failover loses
 * the writes of its last moments, so only recent ones matter; at 30,000 tasks
 * a second this still covers two seconds. (The store can report such a lease
 * long after: while the switch lasts, nothing recovers its expired lease. An
 * outcome forgotten by then is taken for a reply never received, as before
 * this was kept.)
 */
const CAPACITY = 65_536;

/**
 * The leases whose outcome the store took (completed or failed, each of
 * which used its attempt), newest last: a ring of fixed size, so recording
 * one costs a hash and two array writes. When a renewal finds a task still
 * leased to this worker that the worker no longer holds, this tells a run it
 * finished (whose record the store lost, as in a failover to a replica the
 * settle had not reached: the attempt was used) from a fetch reply it never
 * received (the attempt was not). A lease is named exactly by its task id,
 * its token and the store time it started: the same task fetched again (after
 * a hand back, or its id used again for a new task) starts at another time.
 *
 * Id and token are kept as a 53-bit hash of the two, not as the strings: a
 * full ring of strings held about 5.6 MB per busy queue for the life of the
 * process (a soak read it as a leak); as numbers it is 1 MB, grown as it
 * fills. Two leases of a worker's last 65,536 that share a hash and a start
 * time are about one chance in 10^11 per lease looked up.
 */
export class RecentOutcomes {
  private readonly hashes: number[] = [];
  private readonly startedAts: number[] = [];
  private next = 0;

  /** `startedAt`: when its attempt started, store time (FetchedTask.startedAt). */
  add(lease: Lease, startedAt: number): void {
    const hash = leaseHash(lease.id, lease.token);
    // Pushed until full, so an idle queue's ring costs nothing; then overwritten in place, oldest first.
    if (this.hashes.length < CAPACITY) {
      this.hashes.push(hash);
      this.startedAts.push(startedAt);
      return;
    }
    this.hashes[this.next] = hash;
    this.startedAts[this.next] = startedAt;
    this.next = (this.next + 1) % CAPACITY;
  }

  /** Splits leases the store reports as this worker's but unnamed: those this worker recorded an outcome for, and the others. */
  split(unnamed: readonly UnnamedLease[]): { finished: UnnamedLease[]; neverReceived: UnnamedLease[] } {
    const byHash = new Map<number, UnnamedLease[]>();
    for (const lease of unnamed) {
      const hash = leaseHash(lease.id, lease.token);
      const same = byHash.get(hash);
      if (same) same.push(lease);
      else byHash.set(hash, [lease]);
    }
    const finished = new Set<UnnamedLease>();
    for (let at = 0; at < this.hashes.length && finished.size < unnamed.length; at++) {
      const candidates = byHash.get(this.hashes[at]);
      if (candidates === undefined) continue;
      for (const lease of candidates) if (lease.startedAt === this.startedAts[at]) finished.add(lease);
    }
    return { finished: unnamed.filter((lease) => finished.has(lease)), neverReceived: unnamed.filter((lease) => !finished.has(lease)) };
  }
}

/**
 * A 53-bit hash of a lease's task id and token (two 32-bit multiplicative
 * mixes, folded together), exact as a double. Not for security: ids and
 * tokens come from this library's own store.
 */
function leaseHash(id: string, token: string): number {
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x85ebca77);
    h2 = Math.imul(h2 ^ c, 0xc2b2ae3d);
  }
  // A separator, so ('ab', 'c') and ('a', 'bc') differ.
  h1 = Math.imul(h1 ^ 0x1f, 0x85ebca77);
  h2 = Math.imul(h2 ^ 0x1f, 0xc2b2ae3d);
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x85ebca77);
    h2 = Math.imul(h2 ^ c, 0xc2b2ae3d);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x7feb352d) ^ Math.imul(h2 ^ (h2 >>> 15), 0x846ca68b);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x7feb352d) ^ Math.imul(h1 ^ (h1 >>> 15), 0x846ca68b);
  return (h2 & 0x1fffff) * 4294967296 + (h1 >>> 0);
}
