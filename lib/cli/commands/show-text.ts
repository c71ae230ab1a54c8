import { isLostAttempt } from '../../engine/lost-attempt.js';
import type { TaskAttempt } from '../../interfaces/task-insight.interface.js';
import type { TaskErrorInfo, TaskInfo, TaskLease } from '../../interfaces/task-info.interface.js';
import type { TaskLogLine } from '../../interfaces/task-log.interface.js';
import { displayWidth, padToWidth } from '../display-width.js';
import { terminalSafe } from '../terminal-text.js';
import { fieldList } from '../text-table.js';
import { absoluteTime } from '../time-format.js';
import type { RelatedTask } from './related-tasks.js';

/**
 * Most characters of a payload, result or progress `show` prints: a 300 kB
 * payload on one line buries the rest of the task. As much as the library
 * keeps of an error message; `--json` prints it whole.
 */
export const MAX_SHOWN_VALUE = 4_096;

/** Some of a task's dependencies or dependents, with their states, and how many it has in all. */
export interface RelatedPart {
  shown: readonly RelatedTask[];
  total: number;
}

/** What `show` prints about one task. */
export interface ShownTask {
  task: TaskInfo;
  attempts: readonly TaskAttempt[];
  logs: readonly TaskLogLine[];
  dependencies: RelatedPart;
  dependents: RelatedPart;
}

/** Where a log message's text starts: under it go the message's further lines. */
const LOG_CONTINUATION = ' '.repeat('  2026-01-01T00:00:00.000Z  '.length);

/** The task as label-value lines, then its dependencies and dependents, its attempts, its last error and its log. */
export function describeTask({ task, attempts, logs, dependencies, dependents }: ShownTask, now: number): string {
  const fields: Array<[string, string]> = [
    ['id', task.id],
    ['name', task.name],
    ['queue', task.queue],
    ['state', task.state],
    ['attempts', `${task.attempts} of ${task.maxAttempts}`],
    ['priority', String(task.priority)],
    ['enqueued', absoluteTime(task.enqueuedAt, now)],
    ['due', absoluteTime(task.runAt, now)],
    ['started', absoluteTime(task.startedAt, now)],
    ['finished', absoluteTime(task.finishedAt, now)],
    ['payload', json(task.payload)],
  ];
  if (task.result !== undefined) fields.push(['result', json(task.result)]);
  if (task.progress !== undefined) fields.push(['progress', json(task.progress)]);
  if (task.pendingDependencies?.length) fields.push(['waits for', task.pendingDependencies.join(', ')]);
  if (task.lease !== undefined) fields.push(['lease', leaseText(task.lease, now)]);
  if (task.traceId !== undefined) fields.push(['trace', task.traceId]);
  const parts = [fieldList(fields)];
  // A dead dependency of a dead task is what its retry would run without.
  if (dependencies.total > 0) parts.push(relatedLines('dependencies', dependencies, task.state === 'dead' ? 'counts as ended if this task is retried' : ''));
  if (dependents.total > 0) parts.push(relatedLines('dependents', dependents, ''));
  if (attempts.length > 0) parts.push([`attempts (${attempts.length}):`, ...attemptLines(attempts, now)].join('\n'));
  if (task.error) parts.push(errorLines(task, task.error, attempts));
  // A message's own line breaks go under its text, so no line of it can pass for another entry of the log.
  const log = logs.map((line) => `  ${new Date(line.at).toISOString()}  ${line.message.replace(/\r?\n/g, `\n${LOG_CONTINUATION}`)}`);
  parts.push(logs.length === 0 ? 'log: no lines' : [`log (${logs.length} line${logs.length === 1 ? '' : 's'}):`, ...log].join('\n'));
  return parts.join('\n\n');
}

/** "dependencies (3):" and a line per task shown with its state ("no longer stored" once removed), then how many more. */
function relatedLines(title: string, { shown, total }: RelatedPart, deadNote: string): string {
  const ids = shown.map((r) => terminalSafe(r.id));
  const width = Math.max(...ids.map(displayWidth));
  const lines = shown.map((r, i) => {
    const state = r.state ?? 'no longer stored (removed, or by retention)';
    return `  ${padToWidth(ids[i], width)}  ${state}${r.state === 'dead' && deadNote ? ` (${deadNote})` : ''}`;
  });
  if (total > shown.length) lines.push(`  ... and ${total - shown.length} more (--json lists every id)`);
  return [`${title} (${total}):`, ...lines].join('\n');
}

/** The last error, labelled with the attempt that failed, its validation issues and its stack frames. */
function errorLines(task: TaskInfo, error: TaskErrorInfo, attempts: readonly TaskAttempt[]): string {
  // The error is the last failure's, which need not be the last attempt's (a retry may have completed since);
  // with no history to tell which attempt failed, a completed task's is not numbered.
  const failed = [...attempts].reverse().find((a) => a.error !== undefined)?.attempt ?? (task.state === 'completed' ? null : task.attempts);
  // A dependent that died with its dependency never ran: attempt 0 is no attempt.
  const which = failed === null ? '' : failed === 0 ? ' (before any attempt)' : ` (attempt ${failed})`;
  const lines = [`${task.state === 'completed' ? 'last error' : 'error'}${which}: ${errorText(error)}`];
  for (const issue of error.issues ?? []) lines.push(`  issue: ${indentedLines(issue.message)}${issue.path?.length ? ` at ${indentedLines(issue.path.join('.'))}` : ''}`);
  // The stack's first lines repeat the message: its frames start at the first "at" line.
  const frames = error.stack?.split('\n') ?? [];
  const first = frames.findIndex((line) => /^\s*at /.test(line));
  if (first >= 0) lines.push(...frames.slice(first).map((line) => `  ${line.trim()}`));
  return lines.join('\n');
}

/**
 * The attempts, one a line; when they span runs (a retry from dead numbers
 * its attempts from 1 again), under a heading per run, so that "#1" twice
 * reads as two runs and not as one attempt shown twice.
 */
function attemptLines(attempts: readonly TaskAttempt[], now: number): string[] {
  // One run, the first: no heading. A later run alone (the earlier ones without attempts kept) still says which.
  if (attempts.every((a) => a.run === 1)) return attempts.map((a) => `  ${attemptLine(a, now)}`);
  return attempts.flatMap((a, i) => {
    const line = `    ${attemptLine(a, now)}`;
    if (i > 0 && a.run === attempts[i - 1]!.run) return [line];
    return [`  run ${a.run}${a.run > 1 ? ' (retried from dead)' : ''}:`, line];
  });
}

/** One attempt: "#2 failed  started 2026-...Z (3s ago), ran 120 ms: Error: smtp down; next due in 5s". */
function attemptLine(a: TaskAttempt, now: number): string {
  const span = a.endedAt !== null && a.startedAt > 0 ? a.endedAt - a.startedAt : null;
  // A lost attempt ends when recovery took its lease back, whenever its worker died in between.
  const ran = a.endedAt === null ? 'running' : span === null ? 'ended' : isLostAttempt(a.error) ? `lost, taken back ${span} ms after its start` : `ran ${span} ms`;
  const error = a.error ? `: ${errorText(a.error)}` : '';
  const next = a.retryAt !== undefined ? `; next due ${absoluteTime(a.retryAt, now)}` : '';
  const started = a.startedAt > 0 ? `started ${absoluteTime(a.startedAt, now)}, ` : '';
  return `#${a.attempt} ${a.outcome.padEnd(9)}  ${started}${ran}${error}${next}`;
}

/** An error as "Name: message" (the message alone when it has no name), its further lines indented: none starts a section. */
function errorText({ name, message }: { name?: string; message: string }): string {
  return `${name ? `${name}: ` : ''}${indentedLines(message)}`;
}

/** Text whose line breaks are followed by an indent deeper than any of the sections' own lines. */
function indentedLines(text: string): string {
  return text.replace(/\r?\n/g, '\n    ');
}

/** A value as one line of JSON, cut to MAX_SHOWN_VALUE characters; `undefined` (a void result) as '-'. */
function json(value: unknown): string {
  if (value === undefined) return '-';
  const text = JSON.stringify(value);
  if (text.length <= MAX_SHOWN_VALUE) return text;
  // Never between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[MAX_SHOWN_VALUE - 1]) ? MAX_SHOWN_VALUE - 1 : MAX_SHOWN_VALUE;
  return `${text.slice(0, end)}… (${text.length - end} more characters cut; --json prints it whole)`;
}

/** Who runs an active task and until when; a lease past its end is a worker that stopped renewing. */
function leaseText(lease: TaskLease, now: number): string {
  const held = `worker ${lease.workerId} (see workers), until ${absoluteTime(lease.expiresAt, now)}`;
  return lease.expiresAt >= now ? held : `${held}: expired, so that worker stopped renewing it; a live worker of the queue takes it back`;
}
