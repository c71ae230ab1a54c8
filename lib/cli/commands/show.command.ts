import { DEFAULTS } from '../../config/defaults.js';
import type { TaskAttempt } from '../../interfaces/task-insight.interface.js';
import type { TaskInfo } from '../../interfaces/task-info.interface.js';
import type { TaskLogLine } from '../../interfaces/task-log.interface.js';
import { stringOption } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';
import { fieldList } from '../text-table.js';
import { absoluteTime } from '../time-format.js';

/** `show <id>`: one task's record, its attempts, its error with the stack, and its log. */
export const showCommand: CliCommand = {
  name: 'show',
  summary: "one task: its fields, each attempt, error with stack, and log lines",
  usage: 'show <id> [--queue <queue>]',
  help: [
    `--queue <queue>  the task's queue (default '${DEFAULTS.queue}')`,
    'With --json: { "task": TaskInfo, "attempts": TaskAttempt[], "logs": [{ "at", "message" }] }.',
  ],
  options: { queue: { type: 'string' } },
  arity: { min: 1, max: 1 },
  async run(queue, { args: [id], values }) {
    const name = stringOption(values, 'queue') ?? DEFAULTS.queue;
    const [task, logs, attempts] = await Promise.all([queue.get(id, { queue: name }), queue.logs(id, { queue: name }), queue.history(id, { queue: name })]);
    if (!task) throw new CommandFailure(`no task '${id}' in queue '${name}' (never added, cancelled, or removed by remove() or retention)`);
    return { json: { task, attempts: attempts ?? [], logs: logs ?? [] }, text: describe(task, attempts ?? [], logs ?? [], Date.now()) };
  },
};

/** Where a log message's text starts: under it go the message's further lines. */
const LOG_CONTINUATION = ' '.repeat('  2026-01-01T00:00:00.000Z  '.length);

/** The task as label-value lines, then its attempts, its last error and its log. */
function describe(task: TaskInfo, attempts: readonly TaskAttempt[], logs: readonly TaskLogLine[], now: number): string {
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
  if (task.traceId !== undefined) fields.push(['trace', task.traceId]);
  const parts = [fieldList(fields)];
  if (attempts.length > 0) parts.push([`attempts (${attempts.length}):`, ...attempts.map((a) => `  ${attemptLine(a, now)}`)].join('\n'));
  if (task.error) {
    const { stack, issues } = task.error;
    // The error is the last failure's, which need not be the last attempt's (a retry may have completed since);
    // with no history to tell which attempt failed, a completed task's is not numbered.
    const failed = [...attempts].reverse().find((a) => a.error !== undefined)?.attempt ?? (task.state === 'completed' ? null : task.attempts);
    const label = `${task.state === 'completed' ? 'last error' : 'error'}${failed === null ? '' : ` (attempt ${failed})`}`;
    const lines = [`${label}: ${errorText(task.error)}`];
    for (const issue of issues ?? []) lines.push(`  issue: ${indentedLines(issue.message)}${issue.path?.length ? ` at ${indentedLines(issue.path.join('.'))}` : ''}`);
    // The stack's first lines repeat the message: its frames start at the first "at" line.
    const frames = stack?.split('\n') ?? [];
    const first = frames.findIndex((line) => /^\s*at /.test(line));
    if (first >= 0) lines.push(...frames.slice(first).map((line) => `  ${line.trim()}`));
    parts.push(lines.join('\n'));
  }
  // A message's own line breaks go under its text, so no line of it can pass for another entry of the log.
  const log = logs.map((line) => `  ${new Date(line.at).toISOString()}  ${line.message.replace(/\r?\n/g, `\n${LOG_CONTINUATION}`)}`);
  parts.push(logs.length === 0 ? 'log: no lines' : [`log (${logs.length} line${logs.length === 1 ? '' : 's'}):`, ...log].join('\n'));
  return parts.join('\n\n');
}

/** One attempt: "#2 failed  started 2026-...Z (3s ago), ran 120 ms: Error: smtp down; next due in 5s". */
function attemptLine(a: TaskAttempt, now: number): string {
  const ran = a.endedAt === null ? 'running' : a.startedAt > 0 ? `ran ${a.endedAt - a.startedAt} ms` : 'ended';
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

/** A value as one line of JSON; `undefined` (a void result) as '-'. */
function json(value: unknown): string {
  return value === undefined ? '-' : JSON.stringify(value);
}
