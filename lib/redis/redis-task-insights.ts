import { NAME_SCAN_WINDOW } from '../engine/task-engine.js';
import type { TaskInsights } from '../engine/task-insights.js';
import type { TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import { HISTORY_ENTRY, HISTORY_FIELD_SEPARATOR, HISTORY_OUTCOME, LIST_SEPARATOR, RECORD, STATE } from './protocol.js';
import type { QueueScripts } from './queue-scripts.js';
import { redactRedisError, redacted } from './redact-error.js';
import { scriptArgs } from './script-args.js';
import { decodeError, stateOfLetter } from './task-record.codec.js';
import { listTasks, readTasks } from './task-queries.js';
import { replyLayout } from './reply-layout.js';

const MINUTE_MS = 60_000;
/** Entries of a state one listNamed call looks at: about 2 ms of Redis time, where the whole window in one call held it for 20-35 ms. */
const NAME_SCAN_CHUNK = 1_000;
const NAMED = replyLayout('listNamed');
const H = Object.fromEntries(HISTORY_ENTRY.map((field, i) => [field, i])) as Record<(typeof HISTORY_ENTRY)[number], number>;

/** Throughput counters, attempt history, relations and name-filtered pages on Redis (see lua/includes/attempt-record.lua). */
export class RedisTaskInsights implements TaskInsights {
  constructor(private readonly scripts: QueueScripts) {}

  async throughput(queue: string, minutes: number): Promise<ThroughputPoint[]> {
    const reply = ((await this.scripts.script('throughput', queue, scriptArgs('throughput', Object.assign(this.scripts.head(queue), { minutes })))) as unknown[]).map(Number);
    const points: ThroughputPoint[] = [];
    for (let m = 0; m < minutes; m++) points.push({ minute: reply[0] + m * MINUTE_MS, completed: reply[1 + 2 * m], failed: reply[2 + 2 * m] });
    return points;
  }

  async history(queue: string, id: string): Promise<TaskAttempt[] | null> {
    const keys = this.scripts.keysOf(queue);
    const f = [RECORD.state, RECORD.attempts, RECORD.startedAt, RECORD.finishedAt, RECORD.retries];
    const pipeline = this.scripts.client.pipeline().hmget(keys.task(id), ...f).lrange(keys.history(id), 0, -1).hexists(keys.compactRecords, id);
    const replies = (await redacted(pipeline.exec())) ?? [];
    const [[e1, record], [e2, entries], [e3, compact]] = replies as [[Error | null, Array<string | null>], [Error | null, string[]], [Error | null, number]];
    if (e1 ?? e2 ?? e3) throw redactRedisError(e1 ?? e2 ?? e3);
    const [letter, attempts, startedAt, finishedAt, retries] = record;
    // A task with a compact record waits for its first attempt.
    if (letter === null) return Number(compact) === 1 ? [] : null;
    const history = entries.map(decodeHistoryEntry);
    const state = stateOfLetter(letter);
    const current = { attempt: Number(attempts ?? 0), startedAt: Number(startedAt ?? 0), run: Number(retries ?? 0) + 1 };
    if (state === 'active') history.push({ ...current, endedAt: null, outcome: 'running' });
    if (state === 'completed' && current.attempt > 0) history.push({ ...current, endedAt: Number(finishedAt ?? 0), outcome: 'completed' });
    return history;
  }

  async relations(queue: string, id: string): Promise<TaskRelations | null> {
    const keys = this.scripts.keysOf(queue);
    const client = this.scripts.client;
    const pipeline = client.pipeline().exists(keys.task(id)).lrange(keys.dependencies(id), 0, -1).smembers(keys.dependents(id)).hexists(keys.compactRecords, id);
    const replies = (await redacted(pipeline.exec())) ?? [];
    const [[e1, exists], [e2, dependencies], [e3, dependents], [e4, compact]] = replies as [
      [Error | null, number],
      [Error | null, string[]],
      [Error | null, string[]],
      [Error | null, number],
    ];
    if (e1 ?? e2 ?? e3 ?? e4) throw redactRedisError(e1 ?? e2 ?? e3 ?? e4);
    if (Number(exists) === 0 && Number(compact) === 0) return null;
    // A dependent cancelled or removed by retention stays in the set until this task goes, and its id
    // may since name a new task that depends on others: a dependent counts while its own dependency
    // list names this task (or, enqueued by 0.1.0 with no such list, while it still waits for it).
    const checks = dependents.reduce((p, d) => p.lpos(keys.dependencies(d), id).sismember(keys.pendingDependencies(d), id), client.pipeline());
    const found = dependents.length === 0 ? [] : ((await redacted(checks.exec())) ?? []);
    const listed = (i: number) => found[2 * i]?.[1] !== null && found[2 * i]?.[1] !== undefined;
    const waiting = (i: number) => Number(found[2 * i + 1]?.[1]) === 1;
    return { dependencies, dependents: dependents.filter((_, i) => listed(i) || waiting(i)).sort() };
  }

  /**
   * A page of one name's tasks in a state, among the first NAME_SCAN_WINDOW of the state: read a chunk
   * at a time (one script call each), stopping early once the page is found, then the records.
   */
  async listNamed(queue: string, state: TaskState, offset: number, limit: number, name: string, values = true): Promise<TaskInfo[]> {
    const keys = this.scripts.keysOf(queue);
    if (state === 'active') {
      // The active set holds only the fleet's running tasks: filter them all.
      const all = await listTasks(this.scripts.client, keys, 'active', 0, NAME_SCAN_WINDOW, values);
      return all.filter((task) => task.name === name).slice(offset, offset + limit);
    }
    // Each chunk goes on where the last one ended (see lua/list-named); a task seen twice (moved between chunks) counts once.
    const matches = new Map<string, number>();
    const at = { readSet: true, setFrom: '', setAfter: '', readList: state === 'waiting', listAfter: '' };
    for (let chunk = 0; chunk * NAME_SCAN_CHUNK < NAME_SCAN_WINDOW && (at.readSet || at.readList); chunk++) {
      const args = scriptArgs('listNamed', Object.assign(this.scripts.head(queue), {
        state: STATE[state], name, count: NAME_SCAN_CHUNK, readSet: at.readSet ? '1' : '', setFrom: at.setFrom, setAfter: at.setAfter,
        readList: at.readList ? '1' : '', listAfter: at.listAfter, parked: chunk === 0 && state === 'waiting' ? '1' : '',
      }));
      const reply = (await this.scripts.script('listNamed', queue, args)) as Array<string | number>;
      for (let i = NAMED.rowFirst; i < reply.length; i += NAMED.rowWidth) {
        const id = String(reply[i + NAMED.row.id]);
        if (!matches.has(id)) matches.set(id, Number(reply[i + NAMED.row.score]));
      }
      at.setFrom = String(reply[NAMED.head.setLast]);
      at.setAfter = String(reply[NAMED.head.setLastMember]);
      at.readSet = Number(reply[NAMED.head.setMore]) === 1;
      at.listAfter = String(reply[NAMED.head.listLast]);
      at.readList = at.readList && Number(reply[NAMED.head.listMore]) === 1;
      // A set's chunks come in its order, so the page is complete once found; waiting merges the
      // wait set with the wait list, whose later chunks may still hold earlier scores.
      if (state !== 'waiting' && matches.size >= offset + limit) break;
    }
    const ordered = [...matches];
    if (state === 'waiting') ordered.sort(([aId, a], [bId, b]) => a - b || (aId < bId ? -1 : aId > bId ? 1 : 0));
    const ids = ordered.slice(offset, offset + limit).map(([id]) => id);
    return (await readTasks(this.scripts.client, keys, ids, values)).filter((info): info is TaskInfo => info !== null);
  }
}

/** One failed attempt of a history list (see HISTORY_ENTRY in protocol.ts). */
function decodeHistoryEntry(entry: string): TaskAttempt {
  const cut = entry.indexOf(LIST_SEPARATOR);
  const fields = (cut < 0 ? entry : entry.slice(0, cut)).split(HISTORY_FIELD_SEPARATOR);
  const dead = fields[H.outcome] === HISTORY_OUTCOME.dead;
  const attempt: TaskAttempt = {
    attempt: Number(fields[H.attempt]),
    startedAt: Number(fields[H.startedAt] || 0),
    endedAt: Number(fields[H.endedAt]),
    outcome: dead ? 'dead' : 'failed',
    error: decodeError(cut < 0 ? undefined : entry.slice(cut + 1)) ?? { message: 'unknown error' },
    // Written before there were runs: the first.
    run: Number(fields[H.run] || 1),
  };
  if (!dead && fields[H.retryAt] !== '') attempt.retryAt = Number(fields[H.retryAt]);
  return attempt;
}
