import type { AttemptOutcome, FetchRequest, SettleReply } from '../engine/attempt.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { SlotLedger } from './slot-ledger.js';

/**
 * The worker-side twin of the enqueue batcher: outcomes of one event-loop
 * turn are recorded in one settle call, which also fetches tasks for the
 * slots they free. The freed slots stay reserved until that fetch is back.
 */
export class SettleBatcher {
  private outcomes: AttemptOutcome[] = [];

  constructor(
    private readonly queue: string,
    private readonly engine: TaskEngine,
    private readonly ledger: SlotLedger,
    private readonly request: (count: number) => FetchRequest,
    /** Runs a call that must not be lost through an outage; null when it gave up (see OutageReporter.retry). */
    private readonly withRetry: <T>(call: () => Promise<T>) => Promise<T | null>,
    private readonly onReply: (reply: SettleReply) => void,
    /** Whether the settle may fetch (false once the worker stops). */
    private readonly fetching: () => boolean,
    /** An outcome the store did not take: the lease was no longer this worker's, or the store stayed out of reach. */
    private readonly onDiscarded: (outcome: AttemptOutcome, reason: string) => void,
  ) {}

  /** Queues an outcome; returns the batch's flush when this outcome started a batch, else null. */
  add(outcome: AttemptOutcome): Promise<void> | null {
    this.ledger.finish(outcome.lease.id, outcome.lease);
    this.outcomes.push(outcome);
    if (this.outcomes.length > 1) return null;
    // setImmediate, not a microtask: every handler that finishes in this turn joins the batch.
    return new Promise<void>((resolve) => setImmediate(() => this.flush().then(resolve)));
  }

  private async flush(): Promise<void> {
    const outcomes = this.outcomes;
    this.outcomes = [];
    const count = this.ledger.claimForSettle(this.fetching());
    const sent = count > 0 ? this.ledger.fetchSent() : null;
    try {
      const reply = await this.withRetry(() => this.engine.settle(this.queue, outcomes, this.request(count)));
      if (reply) {
        reply.settled.forEach((taken, i) => taken || this.onDiscarded(outcomes[i], 'its lease was no longer this worker\'s (the task was taken back)'));
        this.onReply(reply);
      } else {
        for (const outcome of outcomes) this.onDiscarded(outcome, 'the store could not be reached to record it');
      }
    } finally {
      if (sent !== null) this.ledger.fetchDone(sent);
      this.ledger.recorded(
        outcomes.map((o) => o.lease),
        count,
      );
    }
  }
}
