import type { Redis } from 'ioredis';
import type { TaskQueue } from '../../../lib/index.js';
import type { QueueKeys } from '../../../lib/redis/queue-keys.js';
import type { Ledger } from './ledger.js';

/** How a scenario ended, task by task. */
export interface Tally {
  enqueued: number;
  completed: number;
  duplicates: number;
  dead: number;
  lost: number;
  /** Keys neither completed nor dead at the end. */
  lostKeys: string[];
  deadKeys: string[];
  duplicateKeys: string[];
  /** Ids that ran for a key although the key's enqueue returned another id (a task stored twice). */
  strayIds: string[];
  /** Keys whose record counts more attempts than their handler runs (an attempt counted that never ran). */
  unrunAttemptKeys?: string[];
  /** Keys whose handler ran more times than their record counts attempts (a run handed back as if it never happened). */
  uncountedRunKeys?: string[];
}

/** Waiting (wait set and wait list), delayed and active counts, read atomically (a task moving between them is never missed). */
export async function inFlight(admin: Redis, keys: QueueKeys): Promise<{ waiting: number; delayed: number; active: number }> {
  const replies = (await admin.multi().zcard(keys.wait).llen(keys.waitList).zcard(keys.delayed).zcard(keys.active).exec()) ?? [];
  const [waitSet, waitList, delayed, active] = replies.map(([error, n]) => {
    if (error) throw error;
    return Number(n);
  });
  return { waiting: waitSet + waitList, delayed, active };
}

/** Resolves once nothing is waiting, delayed or active, or after `timeoutMs` (then the tally shows what is left). */
export async function waitForQuiet(admin: Redis, keys: QueueKeys, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await inFlight(admin, keys);
    if (now.waiting + now.delayed + now.active === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Counts the outcome of every enqueued task (key -> id), read through the
 * public API (TaskQueue.get): completed (or removed by retention after its
 * handler returned), dead, or lost (anything else: still queued, or gone
 * without ever finishing).
 */
export async function tally(queue: TaskQueue, enqueued: Map<string, string>, ledger: Ledger, queueName = 'default'): Promise<Tally> {
  ledger.sync();
  const entries = [...enqueued];
  const states: Array<string | null> = [];
  const unrunAttemptKeys: string[] = [];
  const uncountedRunKeys: string[] = [];
  for (let i = 0; i < entries.length; i += 1_000) {
    const chunk = entries.slice(i, i + 1_000);
    const infos = await Promise.all(chunk.map(([, id]) => queue.get(id, { queue: queueName })));
    infos.forEach((info, j) => {
      states.push(info ? info.state : null);
      const [key, id] = chunk[j];
      const runs = (ledger.runs.get(key) ?? []).filter((r) => r.id === id).length;
      if (info && info.attempts > runs) unrunAttemptKeys.push(key);
      if (info && info.attempts < runs) uncountedRunKeys.push(key);
    });
  }
  const lostKeys: string[] = [];
  const deadKeys: string[] = [];
  let completed = 0;
  entries.forEach(([key, id], i) => {
    const state = states[i];
    const endedHere = (ledger.runs.get(key) ?? []).some((r) => r.id === id && r.ended);
    if (state === 'completed' || (state === null && endedHere)) completed++;
    else if (state === 'dead') deadKeys.push(key);
    else lostKeys.push(key);
  });
  const strayIds: string[] = [];
  for (const [key, list] of ledger.runs) {
    const id = enqueued.get(key);
    if (id === undefined) continue;
    for (const run of list) if (run.id !== id && !strayIds.includes(run.id)) strayIds.push(run.id);
  }
  const duplicateKeys = [...ledger.duplicates()];
  return {
    enqueued: enqueued.size,
    completed,
    duplicates: duplicateKeys.length,
    dead: deadKeys.length,
    lost: lostKeys.length,
    lostKeys,
    deadKeys,
    duplicateKeys,
    strayIds,
    unrunAttemptKeys,
    uncountedRunKeys,
  };
}

/**
 * Prints the scenario's one summary line to the real stdout (jest does not
 * capture it): `[fault] <scenario>: enqueued=N completed=N duplicates=N dead=N lost=N`,
 * then any `extra` measurements as `name=value`.
 */
export function printSummary(scenario: string, t: Tally, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra).map(([name, value]) => ` ${name}=${value}`).join('');
  const line = `[fault] ${scenario}: enqueued=${t.enqueued} completed=${t.completed} duplicates=${t.duplicates} dead=${t.dead} lost=${t.lost}${more}`;
  process.stdout.write(`${line}\n`);
  return line;
}
