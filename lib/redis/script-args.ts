import type { ResolvedQueueSettings, ResolvedRetention } from '../config/resolved-options.js';
import type { AttemptOutcome, FetchRequest } from '../engine/attempt.js';
import type { NewTask } from '../engine/new-task.js';
import { DEPENDENCY_FAILURE_RUN, ENQUEUE_OPTIONS, LIST_SEPARATOR, OPTIONS_SEPARATOR, OUTCOME, PAYLOAD_PART_BYTES, SCRIPTS } from './protocol.js';
import { encodeBackoff, encodeRetention } from './record-values.js';
import type { ScriptArg, ScriptName } from './script-registry.js';

// ARGV builders. The order of every argument and row field is SCRIPTS in
// protocol.ts: here values are given by name and laid out from there, so
// the compiler points at the builder when a layout gains a field.

type Layout = typeof SCRIPTS;
type RowFields<S extends ScriptName> = Layout[S] extends { row: ReadonlyArray<infer F extends string> } ? F : never;
/** A script's leading arguments, by name. */
export type ArgsOf<S extends ScriptName> = { readonly [K in Layout[S]['args'][number]]: ScriptArg };
/** One row of a script that takes rows, by field name. */
export type RowOf<S extends ScriptName> = { readonly [K in RowFields<S>]: ScriptArg };

/** A script's ARGV: its arguments, then its rows, in the layout's order. */
export function scriptArgs<S extends ScriptName>(script: S, args: NoInfer<ArgsOf<S>>, rows: ReadonlyArray<NoInfer<RowOf<S>>> = []): ScriptArg[] {
  const layout: { args: readonly string[]; row?: readonly string[] } = SCRIPTS[script];
  const named = args as Readonly<Record<string, ScriptArg>>;
  const out: ScriptArg[] = layout.args.map((name) => named[name]);
  if (layout.row) {
    for (const row of rows as ReadonlyArray<Readonly<Record<string, ScriptArg>>>) for (const field of layout.row) out.push(row[field]);
  }
  return out;
}

type OptionField = (typeof ENQUEUE_OPTIONS)[number];
/** Enqueue options a task does not carry as a plain value under the same name, and how to write them. */
const ENCODED_OPTIONS = {
  runAt: (t) => t.runAt ?? '',
  backoff: (t) => encodeBackoff(t.backoff),
  dependsOn: (t) => t.dependsOn.join(LIST_SEPARATOR),
  dependencyFailure: (t) => (t.dependencyFailure === 'run' ? DEPENDENCY_FAILURE_RUN : ''),
  removeOnComplete: (t) => encodeRetention(t.removeOnComplete),
  removeOnDead: (t) => encodeRetention(t.removeOnDead),
  traceContext: (t) => t.traceContext ?? '',
} satisfies Partial<Record<OptionField, (t: NewTask) => ScriptArg>>;
/**
 * Every other option is a NewTask property of the same name holding a plain
 * value (a boolean travels as '1' or ''): ENCODERS fails to compile when one
 * is not.
 */
type PlainOption = Exclude<OptionField, keyof typeof ENCODED_OPTIONS>;
const ENCODERS: ReadonlyArray<(t: NewTask) => ScriptArg | boolean> = ENQUEUE_OPTIONS.map((field) => {
  const encode = (ENCODED_OPTIONS as Partial<Record<OptionField, (t: NewTask) => ScriptArg>>)[field];
  return encode ?? ((t: NewTask) => t[field as PlainOption]);
});

/**
 * The enqueue rows of a batch: for each task its id, its payload, and its
 * ENQUEUE_OPTIONS packed in one string. The tasks of a batch mostly share their
 * options (their handler's defaults, no per-call options): a task whose
 * options are those of the task before it is sent '' instead, which the script
 * reads as "the same" (no dozen encoder calls and string per task here, and
 * about a fifth fewer bytes for the socket and for Redis to read per task).
 */
export function enqueueRows(tasks: readonly NewTask[]): Array<RowOf<'enqueue'>> {
  const rows: Array<RowOf<'enqueue'>> = new Array(tasks.length);
  let previous: NewTask | undefined;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    const same = previous !== undefined && sameOptions(t, previous);
    const [payload, payloadTail] = enqueuePayload(t.payloadJson);
    rows[i] = { id: t.id, payload, payloadTail, options: same ? '' : packedOnce(t) };
    previous = t;
  }
  return rows;
}

/**
 * The options packed last (of a task stripped of its id and payload, so no
 * payload stays referenced) and their packed form. A producer that enqueues
 * one task at a time, each call a batch of its own, sends the same options
 * call after call; packing them again cost about 6 µs per call run cold
 * alone, and 3-4 µs of the 35-45 from the call to the socket at a few hundred
 * tasks a second (node 20), where every call runs cold.
 */
let lastPacked: { task: NewTask; options: string } | null = null;

/** A task's packed options: those packed last when they are the same (sameOptions), otherwise packed now. */
function packedOnce(t: NewTask): string {
  if (lastPacked !== null && sameOptions(t, lastPacked.task)) return lastPacked.options;
  const options = packedOptions(t);
  // Options with dependencies are never the same as others' (sameOptions), and a trace context is one call's own.
  if (t.dependsOn.length === 0 && !t.traceContext) lastPacked = { task: { ...t, id: '', payloadJson: '' }, options };
  return options;
}

/**
 * A payload as an enqueue row carries it: split in two record parts here when
 * it is ASCII (one byte per character, so a cut at PAYLOAD_PART_BYTES
 * characters is a cut at that many bytes, between characters) and longer than
 * one part but no longer than two; otherwise whole, with an empty tail, and
 * the script splits it. Splitting in Lua (string.byte and string.sub) cost the
 * enqueue script about 8,000 instructions per task, a seventh of its work for
 * such a task; here it is two slices.
 */
export function enqueuePayload(json: string): [payload: string, tail: string] {
  if (json.length <= PAYLOAD_PART_BYTES || json.length > 2 * PAYLOAD_PART_BYTES || Buffer.byteLength(json) !== json.length) return [json, ''];
  return [json.slice(0, PAYLOAD_PART_BYTES), json.slice(PAYLOAD_PART_BYTES)];
}

/** A task's ENQUEUE_OPTIONS packed in one string, in that order. */
function packedOptions(t: NewTask): string {
  let options = '';
  for (let k = 0; k < ENCODERS.length; k++) {
    const value = ENCODERS[k](t);
    options += (k === 0 ? '' : OPTIONS_SEPARATOR) + (typeof value === 'boolean' ? (value ? '1' : '') : value);
  }
  return options;
}

/**
 * Whether two tasks pack to the same options: each ENQUEUE_OPTIONS field is
 * the same value, or the same object (a policy from the same defaults; the
 * ones built from enqueue options are new objects per call), and neither has
 * dependencies. Objects equal only in content count as different: they are
 * packed again, which is only slower. The same object cannot change between
 * the check and the packing: a batch's rows are made in one synchronous pass,
 * and the policy objects compared by identity across calls (packedOnce) are
 * the library's own copies of checked options, never changed once made.
 * Field by field rather than a loop over ENQUEUE_OPTIONS, which was slower
 * than the packing it saves; a unit test changes each field in turn so this
 * list cannot fall behind.
 */
function sameOptions(a: NewTask, b: NewTask): boolean {
  return (
    a.name === b.name && a.priority === b.priority && a.delayMs === b.delayMs && a.runAt === b.runAt && a.maxAttempts === b.maxAttempts &&
    a.backoff === b.backoff && a.timeoutMs === b.timeoutMs && a.dependsOn.length === 0 && b.dependsOn.length === 0 &&
    a.dependencyFailure === b.dependencyFailure && a.removeOnComplete === b.removeOnComplete && a.removeOnDead === b.removeOnDead &&
    a.traceContext === b.traceContext
  );
}

/** The fetch arguments of fetch and settle. */
export function fetchArgs(request: FetchRequest, settings: ResolvedQueueSettings) {
  const limits: Array<string | number> = [];
  for (const [name, limit] of request.handlerLimits) limits.push(name, limit);
  return {
    fetchCount: request.count,
    workerToken: request.workerToken,
    leaseMs: request.leaseMs,
    rateMax: settings.rateLimit?.max ?? 0,
    ratePerMs: settings.rateLimit?.perMs ?? 0,
    handlerLimits: limits.join(LIST_SEPARATOR),
    handlerNames: request.handlerNames.join(LIST_SEPARATOR),
    startNow: request.startNow,
  } satisfies Partial<ArgsOf<'fetch'>>;
}

/** The retention arguments of settle. */
export function retentionArgs(retention: { completed: ResolvedRetention; dead: ResolvedRetention }) {
  return {
    keepCompletedAge: retention.completed.age,
    keepCompletedCount: retention.completed.count,
    keepDeadAge: retention.dead.age,
    keepDeadCount: retention.dead.count,
  } satisfies Partial<ArgsOf<'settle'>>;
}

/** The order appendSettleRows writes a row in: SCRIPTS.settle.row (a unit test keeps the two the same). */
export const SETTLE_ROW_ORDER = ['id', 'token', 'outcome', 'value', 'delayMs'] as const satisfies readonly RowFields<'settle'>[];

/**
 * Appends each outcome's settle row to `out`, in SETTLE_ROW_ORDER. Written out
 * by hand rather than through scriptArgs' lookups by name: a settle carries a
 * row for every task the worker finished.
 */
export function appendSettleRows(out: ScriptArg[], outcomes: readonly AttemptOutcome[]): ScriptArg[] {
  for (const o of outcomes) {
    const { id, token } = o.lease;
    if (o.kind === 'completed') {
      out.push(id, token, OUTCOME.completed, o.resultJson ?? '', 0);
    } else {
      const value = JSON.stringify(o.error);
      if (o.kind === 'limited') out.push(id, token, OUTCOME.limited, value, o.delayMs);
      else if (o.then.action === 'retry') out.push(id, token, OUTCOME.retry, value, o.then.delayMs);
      else out.push(id, token, OUTCOME.dead, value, 0);
    }
  }
  return out;
}
