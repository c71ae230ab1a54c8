import type { TaskErrorInfo, TaskInfo, TaskProgress } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import { decodeBackoff } from '../policies/backoff.js';
import type { FetchReply, FetchedTask, SettleReply } from '../engine/task-engine.js';

// Reading what the scripts and HGETALL return. Replies arrive as `unknown`
// and are narrowed here, so a malformed record fails loudly in one place.

const STATES: Record<string, TaskState> = { b: 'blocked', w: 'waiting', d: 'delayed', a: 'active', c: 'completed', x: 'dead' };
const FETCH_FIELDS = 7;

/** A stored JSON value; text that is not JSON comes back as it is, nothing as undefined. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function num(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The error record stored for a failure, read leniently. */
export function decodeError(text: string | undefined): TaskErrorInfo | null {
  const value = parseJson(text);
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && typeof (value as TaskErrorInfo).message === 'string') {
    return value as TaskErrorInfo;
  }
  return { message: String(value) };
}

/** The priority a wait score encodes (see waitScore in lua/includes/common.lua). */
export function priorityOfWaitScore(ws: number): number {
  return 1_000_000 - Math.floor(ws / 4294967296);
}

/** A task's record (HGETALL) and payload (GET) as TaskInfo, or null when the record is empty. */
export function decodeTaskInfo(queue: string, id: string, hash: Record<string, string>, payloadJson: string | null): TaskInfo | null {
  if (Object.keys(hash).length === 0) return null;
  const ws = num(hash.ws);
  return {
    id,
    // A hand-edited record may have lost its name; it is still shown (it went dead saying so).
    name: hash.n ?? '',
    queue,
    payload: parseJson(payloadJson ?? undefined),
    state: STATES[hash.s] ?? 'waiting',
    priority: ws === null ? 0 : priorityOfWaitScore(ws),
    attempts: num(hash.a) ?? 0,
    maxAttempts: num(hash.m) ?? 1,
    result: parseJson(hash.res),
    error: decodeError(hash.err),
    progress: parseJson(hash.pg) as TaskProgress | undefined,
    enqueuedAt: num(hash.e) ?? 0,
    runAt: num(hash.r) ?? num(hash.e) ?? 0,
    startedAt: num(hash.st),
    finishedAt: num(hash.f),
  };
}

function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected ${what} reply from Redis: ${String(reply)}`);
  return reply;
}

/** Reads `{ nextDueInMs, brokenIds, ...7 fields per task }` starting at `offset`. */
export function decodeFetchReply(reply: unknown, workerToken: string, offset = 0): FetchReply {
  const r = asArray(reply, 'fetch');
  const nextDue = Number(r[offset]);
  const broken = String(r[offset + 1] ?? '');
  const tasks: FetchedTask[] = [];
  for (let i = offset + 2; i + FETCH_FIELDS <= r.length; i += FETCH_FIELDS) {
    const attempt = Number(r[i + 3]);
    tasks.push({
      id: String(r[i]),
      name: String(r[i + 1]),
      payloadJson: String(r[i + 2]),
      attempt,
      maxAttempts: Number(r[i + 4]),
      backoff: decodeBackoff(String(r[i + 5] ?? '')),
      timeoutMs: Number(r[i + 6]) || 0,
      leaseToken: `${workerToken}:${attempt}`,
    });
  }
  return { tasks, brokenIds: broken === '' ? [] : broken.split('\n'), nextDueInMs: nextDue >= 0 ? nextDue : null };
}

/** Reads `{ settled flags ('1'/'0' per outcome), ...fetch reply }`. */
export function decodeSettleReply(reply: unknown, workerToken: string): SettleReply {
  const r = asArray(reply, 'settle');
  return { settled: [...String(r[0] ?? '')].map((flag) => flag === '1'), ...decodeFetchReply(r, workerToken, 1) };
}
