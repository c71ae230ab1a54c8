import type { ObliterateResult } from '../engine/task-maintenance.js';
import { LIST_SEPARATOR, OBLITERATE_STATUS, STATE } from './protocol.js';
import type { QueueScripts } from './queue-scripts.js';
import { redacted } from './redact-error.js';
import { replyLayout } from './reply-layout.js';
import type { QueueDirectory } from './queue-directory.js';
import { ScheduleDirectory } from './schedule-directory.js';
import { scriptArgs } from './script-args.js';

/**
 * Tasks one bulk step touches at most. Each step is one short script (about
 * 1-3 ms for this many tasks on a 2-core machine: see docs/observability.md),
 * so other clients never wait long behind a bulk operation on a large queue.
 */
export const BULK_STEP = 250;
/** Dead tasks one retryAll step looks at (a ZSCAN count): each one retried costs about twice a removal (its event included). */
export const RETRY_STEP = 100;

const RETRY = replyLayout('retryDead');
const DRAIN = replyLayout('drain');
const CLEAN = replyLayout('clean');
const OBLITERATE = replyLayout('obliterate');

/** retryAll, drain, clean and obliterate on Redis: loops of bounded steps (lua/retry-dead, drain, clean, obliterate). */
export class RedisBulkOperations {
  constructor(private readonly scripts: QueueScripts, private readonly prefix: string, private readonly directory: QueueDirectory) {}

  private async now(): Promise<number> {
    const [seconds, micros] = await redacted(this.scripts.client.time());
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async retryDead(queue: string, name: string | null): Promise<number> {
    // Only tasks that died before the walk started: one that dies again while it runs is not retried twice.
    const cutoff = await this.now();
    let total = 0;
    let holdBack = true;
    for (;;) {
      const { moved, heldBack } = await this.retryWalk(queue, name, cutoff, holdBack);
      total += moved;
      // Walks repeat while they hold a flow's dependents back for their dependencies. One that moved
      // nothing holds back tasks whose dependency never moves (a broken record): the last walk takes them.
      if (heldBack === 0) return total;
      if (moved === 0) holdBack = false;
    }
  }

  /** One walk of the dead set, in bounded steps (lua/retry-dead). */
  private async retryWalk(queue: string, name: string | null, cutoff: number, holdBack: boolean): Promise<{ moved: number; heldBack: number }> {
    let cursor = '0';
    let moved = 0;
    let heldBack = 0;
    do {
      const args = Object.assign(this.scripts.head(queue), { cursor, count: RETRY_STEP, name: name ?? '', cutoff, holdBack: holdBack ? '1' : '' });
      const reply = (await this.scripts.script('retryDead', queue, scriptArgs('retryDead', args))) as unknown[];
      cursor = String(reply[RETRY.head.cursor]);
      moved += Number(reply[RETRY.head.moved]);
      heldBack += Number(reply[RETRY.head.heldBack]);
    } while (cursor !== '0');
    return { moved, heldBack };
  }

  async drain(queue: string, delayed: boolean): Promise<number> {
    let removed = 0;
    for (;;) {
      const args = Object.assign(this.scripts.head(queue), { count: BULK_STEP, delayed: delayed ? '1' : '' });
      const reply = (await this.scripts.script('drain', queue, scriptArgs('drain', args))) as unknown[];
      removed += Number(reply[DRAIN.head.removed]);
      if (Number(reply[DRAIN.head.more]) !== 1) return removed;
    }
  }

  async clean(queue: string, state: 'completed' | 'dead', olderThanMs: number, limit: number | null): Promise<string[]> {
    const cutoff = (await this.now()) - olderThanMs;
    const ids: string[] = [];
    for (;;) {
      const count = limit === null ? BULK_STEP : Math.min(BULK_STEP, limit - ids.length);
      if (count <= 0) return ids;
      const args = Object.assign(this.scripts.head(queue), { state: STATE[state], cutoff, count });
      const reply = (await this.scripts.script('clean', queue, scriptArgs('clean', args))) as unknown[];
      const removed = Number(reply[CLEAN.head.removed]);
      if (removed > 0) for (const id of String(reply[CLEAN.head.ids]).split(LIST_SEPARATOR)) ids.push(id);
      if (removed < count) return ids;
    }
  }

  async obliterate(queue: string, force: boolean): Promise<ObliterateResult> {
    let removed = 0;
    for (let check = !force; ; check = false) {
      const args = Object.assign(this.scripts.head(queue), { check: check ? '1' : '', count: BULK_STEP });
      const reply = (await this.scripts.script('obliterate', queue, scriptArgs('obliterate', args))) as unknown[];
      const status = Number(reply[OBLITERATE.head.status]);
      if (status === OBLITERATE_STATUS.refused) return { status: 'refused', running: Number(reply[OBLITERATE.head.running]) };
      removed += Number(reply[OBLITERATE.head.removed]);
      if (status === OBLITERATE_STATUS.done) {
        await this.forgetSchedules(queue, String(reply[OBLITERATE.head.schedules]));
        // Last, as it spans slots: a live worker's next heartbeat lists the queue again.
        await this.directory.forget(queue);
        return { status: 'done', removed };
      }
    }
  }

  /** Removes the queue's schedules from the prefix-wide directory (a slot of its own, so not in the script). */
  private async forgetSchedules(queue: string, joined: string): Promise<void> {
    if (joined === '') return;
    const directory = new ScheduleDirectory(this.scripts.client, this.prefix);
    for (const id of joined.split(LIST_SEPARATOR)) {
      // A schedule moved to another queue meanwhile keeps its entry.
      if ((await directory.queueOf(id)) === queue) await directory.delete(id);
    }
  }
}
