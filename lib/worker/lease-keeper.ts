import type { Logger } from '@nestjs/common';
import type { Lease } from '../engine/attempt.js';
import type { RecoverResult, TaskEngine, UnnamedLease } from '../engine/task-engine.js';
import type { OutageReporter } from './outage-reporter.js';
import type { SlotLedger } from './slot-ledger.js';
import { idList } from './id-list.js';
import { timers } from '../timers/own-timers.js';

/**
 * Added to the age of the oldest fetch in flight before a lease counts as an
 * orphan: covers the store's clock and this process's running at slightly
 * different rates over that span.
 */
const ORPHAN_MARGIN_MS = 250;

/**
 * Keeps one worker's leases alive: renews all of them in one call every third
 * of the lease (handing back any it leased but never received, and watching
 * those of outcomes it could not record until recovery takes them), and
 * periodically takes back tasks whose lease ran out anywhere in the queue (a
 * crashed worker's). Both are judged by the store's time. Failures go to the
 * consumer's outage reporter, so an outage is reported once for the queue.
 */
export class LeaseKeeper {
  private renewTimer: NodeJS.Timeout | null = null;
  private recoverTimer: NodeJS.Timeout | null = null;
  /** When the last renewal that got through was sent (local ms; until one has, when the keeper was made). */
  private renewedAt = timers.monotonicMs();
  private stopped = false;
  /** The renewal in flight, which a second call joins. */
  private renewing: Promise<void> | null = null;
  /** Told how many expired leases each recovery took back (for the metrics). */
  onRecovered: ((requeued: number, dead: number) => void) | null = null;

  constructor(
    private readonly queue: string,
    private readonly engine: TaskEngine,
    private readonly leaseMs: number,
    private readonly workerToken: string,
    /** The worker's leases, those it could not record, and when its oldest fetch still in flight was sent. */
    private readonly held: Pick<SlotLedger, 'leases' | 'oldestFetchSentAt' | 'unrecordedLeases' | 'forgetUnrecorded' | 'notRecorded' | 'splitUnnamed'>,
    /** Leases the store no longer holds for this worker (a held task's attempt must end). */
    private readonly onLost: (leases: Lease[]) => void,
    private readonly outage: OutageReporter,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.renewTimer = timers.setInterval(() => void this.renew(), this.renewIntervalMs());
    this.recoverTimer = timers.setInterval(() => void this.recover(), Math.max(100, Math.min(5_000, Math.floor(this.leaseMs / 2))));
    this.renewTimer.unref();
    this.recoverTimer.unref();
    void this.recover();
  }

  stop(): void {
    this.stopped = true;
    if (this.renewTimer) timers.clearInterval(this.renewTimer);
    if (this.recoverTimer) timers.clearInterval(this.recoverTimer);
    this.renewTimer = this.recoverTimer = null;
  }

  /**
   * One renewal at a time: a call while one is out joins it. Two at once
   * could both report the same unheld lease, and the second hand-back could
   * meet the task fetched again by this worker in between.
   */
  private renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    const leases = this.held.leases();
    const unrecorded = this.held.unrecordedLeases();
    const sentAt = timers.monotonicMs();
    try {
      // Runs even with nothing held: that is when a lost fetch reply leaves orphans.
      const { lost, orphans } = await this.engine.renew(this.queue, this.workerToken, leases, this.leaseMs, this.orphanAgeMs(), unrecorded);
      this.outage.recovered('renew');
      // No lease left to hand back (released since, or taken back by recovery): a failed release no longer holds the outage open.
      if (orphans.length === 0) this.outage.recovered('release');
      this.renewedAt = Math.max(this.renewedAt, sentAt);
      if (lost.length > 0) {
        // Ids are unique within a call: the lease each names is the one sent.
        const sent = new Map([...leases, ...unrecorded].map((lease) => [lease.id, lease]));
        const gone = lost.flatMap((id) => sent.get(id) ?? []);
        this.held.forgetUnrecorded(gone);
        this.onLost(gone);
      }
      if (orphans.length > 0) await this.settleUnnamed(orphans);
    } catch (error) {
      // Stopped: nothing will retry, and a call cut off by closing is no outage.
      if (this.stopped) return;
      this.outage.failed('renew', error, `could not renew leases (${error instanceof Error ? error.message : String(error)}); will retry`);
    }
  }

  /**
   * Tasks still leased to this worker that it no longer holds. Those whose
   * outcome it recorded ran: the store lost the record since, so they are
   * treated as unrecorded (their lease runs out and recovery counts the
   * attempt). The others were leased by a fetch whose reply never came: they
   * go back to waiting without using an attempt.
   */
  private async settleUnnamed(unnamed: readonly UnnamedLease[]): Promise<void> {
    const { finished, neverReceived } = this.held.splitUnnamed(unnamed);
    if (finished.length > 0) {
      this.held.notRecorded(finished.map(({ id, token }) => ({ id, token })));
      this.logger.warn(
        `queue '${this.queue}': ${finished.length} task(s) this worker finished are running again in Redis, their recorded outcome lost ` +
          `(a failover to a replica that had not received it?): they run again when their lease runs out, the attempt counted: ${idList(finished.map((l) => l.id))}`,
      );
    }
    if (neverReceived.length === 0) return;
    let released: number;
    try {
      // Each under the lease reported (its start included): a task fetched again since is not touched.
      released = await this.engine.release(this.queue, neverReceived);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.outage.failed('release', error, `could not hand back ${neverReceived.length} task(s) this worker had leased but never received (${reason}); the next renewal finds them again`);
      return;
    }
    this.outage.recovered('release');
    if (released === 0) return;
    const moved = released < neverReceived.length ? ` (${neverReceived.length - released} of them had moved on meanwhile)` : '';
    const ids = idList(neverReceived.map((l) => l.id));
    this.logger.warn(`queue '${this.queue}': handed back ${released} task(s) this worker had leased but never received (a reply lost with the connection)${moved}: ${ids}`);
  }

  private renewIntervalMs(): number {
    return Math.max(50, Math.floor(this.leaseMs / 3));
  }

  /**
   * How old a lease this worker does not hold must be to count as an orphan (a
   * fetch reply lost on the way). At least a renew interval; and older than
   * the oldest fetch still in flight, whose reply may hold the lease and only
   * be waiting for this process to read it (a stalled event loop runs due
   * timers, this renew among them, before it reads replies).
   */
  orphanAgeMs(): number {
    const interval = Math.floor(this.leaseMs / 3);
    const oldest = this.held.oldestFetchSentAt();
    return oldest === null ? interval : Math.max(interval, Math.ceil(timers.monotonicMs() - oldest) + ORPHAN_MARGIN_MS);
  }

  private async recover(): Promise<void> {
    // After an outage (or a stall) this worker's own leases may have run out too: renewed
    // first, the tasks it still runs (or has outcomes for) stay its own instead of being
    // taken back. Sent just before the recovery on the same connection, not awaited: when
    // both wait for Redis to come back, the renewal still runs first. (Recovery goes on
    // whatever the renewal's fate: other workers' expired leases need it.)
    const renewal = timers.monotonicMs() - this.renewedAt > 1.5 * this.renewIntervalMs() ? this.renew() : null;
    try {
      const { requeued, dead, deadIds, workers, unstarted } = await this.engine.recover(this.queue);
      this.outage.recovered('recover');
      this.onRecovered?.(requeued, dead);
      if (requeued + dead + unstarted > 0) this.logger.warn(recoveredLine(this.queue, { requeued, deadIds, workers, unstarted }, this.workerToken));
    } catch (error) {
      if (this.stopped) return;
      this.outage.failed('recover', error, `could not recover expired leases (${error instanceof Error ? error.message : String(error)}); will retry`);
    }
    await renewal;
  }
}

/** Ids named in a recovery's line at most: a crash of a busy worker can take back hundreds. */
const IDS_SHOWN = 10;

/**
 * The warning of a recovery: which workers stopped renewing (their instanceId, as workers() listed them
 * while they lived) and which tasks ended dead for it, so an operator can tie it to the crashed instance.
 * The recovering worker can be among them (`self`): after an outage longer than a lease, its own leases
 * ran out while its renewals could not reach Redis; said so, or an operator looks for a crashed peer.
 */
function recoveredLine(queue: string, { requeued, deadIds, workers, unstarted }: Omit<RecoverResult, 'dead'>, self: string): string {
  const named = workers.map((w) => (w === self ? `${w} (this worker: its renewals did not reach Redis in time)` : w));
  const whose = named.length === 0 ? 'a worker that stopped renewing its' : named.length === 1 ? `worker ${named[0]}, which stopped renewing its` : `workers ${named.join(', ')}, which stopped renewing their`;
  const more = deadIds.length > IDS_SHOWN ? ` and ${deadIds.length - IDS_SHOWN} more` : '';
  const dead = deadIds.length === 0 ? '0 dead' : `${deadIds.length} dead, their attempts used up: ${deadIds.slice(0, IDS_SHOWN).join(', ')}${more}`;
  // Leased ahead into the worker's buffer, they may never have started (some may have since): not counted, once per task.
  const ahead = unstarted === 0 ? '' : `, and ${unstarted} leased ahead into its buffer put back uncounted (they may not have started)`;
  return `queue '${queue}': took back ${requeued + deadIds.length + unstarted} task(s) from ${whose} leases (crash, hang or lost connection): ${requeued} requeued, ${dead}${ahead}`;
}
