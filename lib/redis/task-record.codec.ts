import type { FetchReply, FetchedTask, SettleReply } from '../engine/attempt.js';
import type { TaskErrorInfo, TaskInfo, TaskProgress } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import {
  COMPACT_EXTRAS,
  COMPACT_RECORD,
  LIST_SEPARATOR,
  OPTIONS_SEPARATOR,
  PAYLOAD_PART_FIELDS,
  PRIORITY_ZERO_LEVEL,
  RECORD,
  STATE,
  leaseToken,
} from './protocol.js';
import { decodeBackoff } from './record-values.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import { replyLayout } from './reply-layout.js';
import { traceIdOf } from '../engine/trace-id.js';

// Reading what the scripts and HGETALL return. Replies arrive as `unknown`
// and are narrowed here, so a malformed record fails loudly in one place.

const STATE_OF_LETTER = new Map<string, TaskState>(Object.entries(STATE).map(([state, letter]) => [letter, state as TaskState]));
const FETCH = replyLayout('fetch');
const SETTLE = replyLayout('settle');

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

/** The state a record's state letter stands for; an unknown letter reads as waiting. */
export function stateOfLetter(letter: string | undefined): TaskState {
  return STATE_OF_LETTER.get(letter ?? '') ?? 'waiting';
}

/** A wait score's unit per priority level: below it sits the enqueue sequence number, taken modulo 2^32 (see waitScore in lua/includes/common.lua). */
const SEQUENCE_SPAN = 4294967296;

/** The priority a wait score encodes. */
export function priorityOfWaitScore(ws: number): number {
  return PRIORITY_ZERO_LEVEL - Math.floor(ws / SEQUENCE_SPAN);
}

/**
 * The payload JSON a record holds in its parts (each a whole number of UTF-8
 * characters, so each decodes on its own), or the payload key's when it has none.
 */
function payloadOf(hash: Record<string, string>, payloadKeyJson: string | null): string | undefined {
  if (hash[RECORD.payloadPart1] === undefined) return payloadKeyJson ?? undefined;
  let json = '';
  for (const field of PAYLOAD_PART_FIELDS) {
    const part = hash[field];
    if (part === undefined) break;
    json += part;
  }
  return json;
}

/** A task's record (HGETALL) and payload key (GET) as TaskInfo, or null when the record is empty. */
export function decodeTaskInfo(queue: string, id: string, hash: Record<string, string>, payloadJson: string | null): TaskInfo | null {
  if (Object.keys(hash).length === 0) return null;
  const ws = num(hash[RECORD.waitScore]);
  const info: TaskInfo = {
    id,
    // A hand-edited record may have lost its name; it is still shown (it went dead saying so).
    name: hash[RECORD.name] ?? '',
    queue,
    payload: parseJson(payloadOf(hash, payloadJson)),
    state: stateOfLetter(hash[RECORD.state]),
    priority: ws === null ? 0 : priorityOfWaitScore(ws),
    attempts: num(hash[RECORD.attempts]) ?? 0,
    maxAttempts: num(hash[RECORD.maxAttempts]) ?? 1,
    result: parseJson(hash[RECORD.result]),
    error: decodeError(hash[RECORD.error]),
    progress: parseJson(hash[RECORD.progress]) as TaskProgress | undefined,
    enqueuedAt: num(hash[RECORD.enqueuedAt]) ?? 0,
    runAt: num(hash[RECORD.runAt]) ?? num(hash[RECORD.enqueuedAt]) ?? 0,
    startedAt: num(hash[RECORD.startedAt]),
    finishedAt: num(hash[RECORD.finishedAt]),
  };
  const traceId = traceIdOf(hash[RECORD.traceContext]);
  if (traceId) info.traceId = traceId;
  return info;
}

const CR = Object.fromEntries(COMPACT_RECORD.map((field, i) => [field, i])) as Record<(typeof COMPACT_RECORD)[number], number>;
const CX = Object.fromEntries(COMPACT_EXTRAS.map((field, i) => [field, i])) as Record<(typeof COMPACT_EXTRAS)[number], number>;

/** The fields of a compact record (COMPACT_RECORD), or null when the text is not one. */
function splitCompact(text: string): string[] | null {
  const fields = text.split(OPTIONS_SEPARATOR);
  if (fields.length < COMPACT_RECORD.length || !/^\d+$/.test(fields[CR.seq])) return null;
  // The last field is the rest of the text (a payload holds no separator, but the record is read as the scripts read it).
  return [...fields.slice(0, CR.payloadTail), fields.slice(CR.payloadTail).join(OPTIONS_SEPARATOR)];
}

/** The wait score of a task with a compact record, or null when the text is not one. */
export function compactWaitScore(text: string): number | null {
  const fields = splitCompact(text);
  return fields === null ? null : PRIORITY_ZERO_LEVEL * SEQUENCE_SPAN + (Number(fields[CR.seq]) % SEQUENCE_SPAN);
}

/** A task's compact record (see QUEUE_KEY_SUFFIXES.compactRecords) as TaskInfo: waiting, priority 0, no attempt yet. */
export function decodeCompactTaskInfo(queue: string, id: string, text: string): TaskInfo | null {
  const c = splitCompact(text);
  if (c === null) return null;
  const extras = c[CR.extras] === '' ? [] : c[CR.extras].split(LIST_SEPARATOR);
  const enqueuedAt = num(c[CR.enqueuedAt]) ?? 0;
  const info: TaskInfo = {
    id,
    name: c[CR.name],
    queue,
    payload: parseJson(c[CR.payload] + c[CR.payloadTail]),
    state: 'waiting',
    priority: 0,
    attempts: 0,
    maxAttempts: num(c[CR.maxAttempts]) ?? 1,
    result: undefined,
    error: null,
    progress: undefined,
    enqueuedAt,
    runAt: enqueuedAt,
    startedAt: null,
    finishedAt: null,
  };
  const traceId = traceIdOf(extras[CX.traceContext]);
  if (traceId) info.traceId = traceId;
  return info;
}

function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected ${what} reply from Redis: ${String(reply)}`);
  return reply;
}

/**
 * Decoded backoff settings by their stored text. A queue's tasks carry a few
 * distinct settings, and a fetch decodes one per task; the decoded objects are
 * frozen because tasks share them. Cleared when it grows past a bound.
 */
const backoffs = new Map<string, Readonly<BackoffOptions> | null>();

function cachedBackoff(text: string): Readonly<BackoffOptions> | null {
  let backoff = backoffs.get(text);
  if (backoff === undefined) {
    if (backoffs.size >= 256) backoffs.clear();
    backoff = decodeBackoff(text);
    backoffs.set(text, backoff === null ? null : Object.freeze(backoff));
  }
  return backoff;
}

/** Payloads up to this long are not measured for the worker's buffer: it holds at most a few MB of them. */
const LARGE_PAYLOAD_CHARS = 4_096;

/** One fetched task; a payload that is not JSON is reported, not thrown. */
function fetchedTask(r: unknown[], at: number, workerToken: string, startedAt: number): FetchedTask {
  const row = FETCH.row;
  const id = String(r[at + row.id]);
  const attempt = Number(r[at + row.attempt]);
  const task: FetchedTask = {
    id,
    name: String(r[at + row.name]),
    payload: undefined,
    attempt,
    maxAttempts: Number(r[at + row.maxAttempts]),
    backoff: cachedBackoff(String(r[at + row.backoff] ?? '')),
    timeoutMs: Number(r[at + row.timeoutMs]) || 0,
    enqueuedAt: Number(r[at + row.enqueuedAt]) || 0,
    waitedMs: Number(r[at + row.waitedMs]) || 0,
    startedAt,
    lease: { id, token: leaseToken(workerToken, attempt, startedAt) },
  };
  // Set only when present, so a task enqueued without tracing carries no extra properties.
  const traceContext = r[at + row.traceContext];
  if (traceContext) task.traceContext = String(traceContext);
  const traceLink = r[at + row.traceLink];
  if (traceLink) task.traceLink = String(traceLink);
  const payloadJson = String(r[at + row.payload]);
  // Only when it matters to the worker's buffer (see RunQueue): most tasks carry no extra property.
  if (payloadJson.length > LARGE_PAYLOAD_CHARS) task.payloadChars = payloadJson.length;
  try {
    task.payload = JSON.parse(payloadJson);
  } catch (error) {
    task.unreadable = `payload is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  return task;
}

/** Reads a fetch reply starting at `offset` of `reply`. */
export function decodeFetchReply(reply: unknown, workerToken: string, offset = 0): FetchReply {
  const r = asArray(reply, 'fetch');
  const nextDue = Number(r[offset + FETCH.head.lookAgainMs]);
  const broken = String(r[offset + FETCH.head.brokenIds] ?? '');
  const startedAt = Number(r[offset + FETCH.head.startedAt]) || 0;
  const tasks: FetchedTask[] = [];
  for (let at = offset + FETCH.rowFirst; at + FETCH.rowWidth <= r.length; at += FETCH.rowWidth) tasks.push(fetchedTask(r, at, workerToken, startedAt));
  return { tasks, brokenIds: broken === '' ? [] : broken.split(LIST_SEPARATOR), nextDueInMs: nextDue >= 0 ? nextDue : null };
}

/** Reads a settle reply: the settled flags ('1'/'0' per outcome), then a fetch reply. */
export function decodeSettleReply(reply: unknown, workerToken: string): SettleReply {
  const r = asArray(reply, 'settle');
  const flags = String(r[SETTLE.head.settled] ?? '');
  const fetched = decodeFetchReply(r, workerToken, SETTLE.rowFirst);
  const decoded: SettleReply = { settled: [...flags].map((flag) => flag === '1'), tasks: fetched.tasks, brokenIds: fetched.brokenIds, nextDueInMs: fetched.nextDueInMs };
  if (flags.includes('2')) decoded.gone = [...flags].map((flag) => flag === '2');
  return decoded;
}
