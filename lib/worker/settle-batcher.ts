import { MAX_CALL_VALUE_CHARS } from '../engine/call-size.js';
import type { AttemptOutcome, FetchRequest, Lease, SettleReply } from '../engine/attempt.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { ReplyOrder } from './reply-order.js';
import type { SlotLedger } from './slot-ledger.js';
import { timers } from '../timers/own-timers.js';

/**
 * Settles in flight at once. Outcomes that finish while this many are out
 * wait for one to come back and then leave together: under load a call
 * carries every task that finished during a round trip instead of each
 * event-loop turn paying for a call of its own. Two rather than one so that
 * Redis runs one settle while the worker reads the reply of the other.
 */
const MAX_SETTLES_IN_FLIGHT = 2;

/** Characters of results one settle call carries at most (see MAX_CALL_VALUE_CHARS). */
export const SETTLE_CHUNK_CHARS = MAX_CALL_VALUE_CHARS;

/**
 * Why a settle refuses an outcome. The store sees only that the lease ended:
 * the task was taken back (and runs again, or ran), or an earlier send of this
 * call, whose reply the connection lost, recorded this very outcome.
 */
const LEASE_ENDED = "its lease had ended (the task was taken back and runs again or ran, or a resent call had already recorded this outcome)";

/**
 * Why a settle refuses an outcome whose task is not in the store at all: it
 * was removed (by hand, or by retention once another attempt ran it after
 * this worker's lease ran out), or Redis lost its data.
 */
const TASK_GONE =
  'the task no longer exists in Redis: it was removed (by remove or obliterate, or by retention after another attempt ran it ' +
  'once this lease had run out), or Redis lost its data (restarted with nothing saved, or flushed)';

/**
 * The worker-side twin of the enqueue batcher: outcomes are recorded in one
 * settle call, which also fetches tasks for the slots they free (they stay
 * reserved until that fetch is back).
 */
export class SettleBatcher {
  private outcomes: AttemptOutcome[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly queue: string,
    private readonly engine: TaskEngine,
    private readonly ledger: SlotLedger,
    /** Shared with the consumer's own fetches: the settle's fetch half is read in the order it was sent. */
    private readonly order: ReplyOrder,
    private readonly request: (count: number) => FetchRequest,
    /** Runs a call that must not be lost through an outage; null when it gave up (see OutageReporter.retry). */
    private readonly withRetry: <T>(call: () => Promise<T>) => Promise<T | null>,
    /** The reply, and when the call that got it was sent (the earliest moment the store can have answered). */
    private readonly onReply: (reply: SettleReply, sentAt: number) => void,
    /** Whether the settle may fetch (false once the worker stops). */
    private readonly fetching: () => boolean,
    /** An outcome the store did not take: the lease was no longer this worker's, or the store stayed out of reach. */
    private readonly onDiscarded: (outcome: AttemptOutcome, reason: string) => void,
    /** An outcome the store took (what is said of it, such as a task now dead, waits for this). */
    private readonly onRecorded: (outcome: AttemptOutcome) => void,
    /** Each flush, as it starts (the consumer tracks it until it ends, for shutdown). */
    private readonly onFlush: (flush: Promise<void>) => void,
  ) {}

  /** The outcomes for one call: all, unless their results add up to more than SETTLE_CHUNK_CHARS. */
  private takeBatch(): AttemptOutcome[] {
    let chars = 0;
    for (let i = 0; i < this.outcomes.length; i++) {
      const outcome = this.outcomes[i];
      chars += outcome.kind === 'completed' ? (outcome.resultJson?.length ?? 0) : 0;
      if (chars > SETTLE_CHUNK_CHARS && i > 0) return this.outcomes.splice(0, i);
    }
    const all = this.outcomes;
    this.outcomes = [];
    return all;
  }

  /** Queues an outcome for the next settle. */
  add(outcome: AttemptOutcome): void {
    this.ledger.finish(outcome.lease);
    this.outcomes.push(outcome);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_SETTLES_IN_FLIGHT || this.outcomes.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: every handler that finishes in this turn joins the batch.
    this.onFlush(new Promise<void>((resolve) => timers.setImmediate(() => this.flush().then(resolve))));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.inFlight += 1;
    const outcomes = this.takeBatch();
    // Results over SETTLE_CHUNK_CHARS left some for the next call, which may go at once.
    this.schedule();
    const count = this.ledger.claimForSettle(this.fetching());
    const sent = count > 0 ? this.ledger.fetchSent() : null;
    let used: Lease[] = [];
    try {
      let sentAt = 0;
      const answered = await this.withRetry(() => {
        sentAt = timers.monotonicMs();
        return this.order.send(() => this.engine.settle(this.queue, outcomes, this.request(count)));
      });
      if (answered) {
        const { ticket, reply } = answered;
        try {
          reply.settled.forEach((taken, i) =>
            taken ? this.onRecorded(outcomes[i]) : this.onDiscarded(outcomes[i], reply.gone?.[i] ? TASK_GONE : LEASE_ENDED),
          );
          // A rate-limited attempt is not used: if the store loses its record, the task is rightly handed back.
          for (let i = 0; i < outcomes.length; i++) if (reply.settled[i] && outcomes[i].kind !== 'limited') used.push(outcomes[i].lease);
          await this.order.deliver(ticket, () => this.onReply(reply, sentAt));
        } finally {
          // Whatever threw on the way, the fetches after this one must not wait for it for ever.
          this.order.drop(ticket);
        }
      } else {
        this.ledger.notRecorded(outcomes.map((o) => o.lease));
        for (const outcome of outcomes) this.onDiscarded(outcome, 'the store stayed out of reach (or refused it) for too long');
      }
    } finally {
      if (sent !== null) this.ledger.fetchDone(sent);
      this.ledger.recorded(
        outcomes.map((o) => o.lease),
        count,
        used,
      );
      this.inFlight -= 1;
      this.schedule();
    }
  }
}
