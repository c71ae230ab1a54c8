import { checkName } from '../../config/option-checks.js';
import type { TaskInfo, TaskSummary } from '../../interfaces/task-info.interface.js';
import { TASK_STATES, type TaskState } from '../../interfaces/task-state.js';
import type { TaskQueue } from '../../producer/task-queue.js';
import { integerOption, stringOption } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { cell, textTable } from '../text-table.js';
import { relativeTime } from '../time-format.js';
import { knownQueue } from './known-queue.js';
import { stateHint } from '../../config/renamed-options.js';

/** Tasks read per page while filtering by name: TaskQueue.list's largest page. */
const PAGE = 1_000;

/** `list <queue> <state>`: a page of one queue's tasks in one state. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: "a page of a queue's tasks in one state",
  usage: 'list <queue> <state> [--name <task name>] [--limit <n>] [--offset <n>] [--newest]',
  help: [
    `<state> is one of ${TASK_STATES.join(', ')}. Tasks come oldest first (waiting ones in the order they will run).`,
    '--limit <n>    tasks shown, 1 to 1,000 (default 20)',
    '--offset <n>   tasks skipped first (default 0), counted from the end with --newest',
    '--newest       newest first: the last tasks of the state (for dead ones, what failed last); not with --name',
    '--name <name>  only tasks of that name; filtered here, reading the state a page of 1,000 tasks at a time',
    '               until --limit are found, so on a large queue it reads every task in that state',
    'Blocked tasks show the dependencies they wait for. A queue the prefix does not know fails (exit 1).',
  ],
  options: { name: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, newest: { type: 'boolean' } },
  arity: { min: 2, max: 2 },
  changes: false,
  async run(queue, { args: [given, state], values }, place) {
    if (!(TASK_STATES as readonly string[]).includes(state)) {
      throw new UsageError(`list: state must be one of ${TASK_STATES.join(', ')}, got '${state}'${stateHint(state)}`);
    }
    const limit = integerOption('list', values, 'limit', 20, 1, 1_000);
    const offset = integerOption('list', values, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    // Filtered here, not by the library: checked as it would check it, so a name no task can have is wrong usage.
    const named = stringOption(values, 'name');
    const taskName = named === undefined ? undefined : checkName(named, 'list', '--name');
    const newest = values.newest === true;
    if (newest && taskName !== undefined) throw new UsageError('list: --newest cannot go with --name, which reads from the oldest end');
    const name = await knownQueue(queue, 'list', given, '<queue>', place);
    // The table shows no payload, result or progress: they are read only for --json, which prints them whole.
    const json = values.json === true;
    const page = async (from: number, size: number) =>
      json ? await queue.list(state as TaskState, { queue: name, offset: from, limit: size }) : await queue.list(state as TaskState, { queue: name, offset: from, limit: size, values: false });
    let total: number | null = null;
    let tasks: TaskSummary[];
    if (taskName !== undefined) {
      tasks = await listByName(queue, name, state as TaskState, taskName, offset, limit, json);
    } else if (newest) {
      // The page at that distance from the end, reversed; the end moves while tasks come and go, so it is as of the count.
      total = (await queue.counts(name))[state as TaskState];
      const end = Math.max(0, total - offset);
      tasks = end === 0 ? [] : (await page(Math.max(0, end - limit), Math.min(limit, end))).reverse();
    } else {
      tasks = await page(offset, limit);
    }
    if (tasks.length === 0 && offset > 0 && taskName === undefined) total ??= (await queue.counts(name))[state as TaskState];
    const empty = total !== null && offset > 0 && offset >= total
      ? `No ${state} tasks in queue '${name}' past offset ${offset}: ${total} in all.`
      : `No ${state} tasks in queue '${name}'${taskName === undefined ? '' : ` named '${taskName}'`}.`;
    const now = await place.now();
    const rows = tasks.map((t) => [t.id, t.name, t.state, `${t.attempts}/${t.maxAttempts}`, relativeTime(t.enqueuedAt, now), stateDetail(t, now), cell(t.error?.message ?? '')]);
    const columns = [{ header: 'ID' }, { header: 'NAME' }, { header: 'STATE' }, { header: 'ATTEMPTS', right: true }, { header: 'ENQUEUED' }, { header: detailHeader(state as TaskState) }, { header: 'ERROR' }];
    return { json: tasks, text: textTable(columns, rows, empty) };
  },
};

/** What matters in a state: when it runs, started or finished, or (blocked) what it waits for. */
function stateDetail(task: TaskSummary, now: number): string {
  if (task.state === 'delayed' || task.state === 'waiting') return relativeTime(task.runAt, now);
  if (task.state === 'active') return relativeTime(task.startedAt, now);
  if (task.state === 'completed' || task.state === 'dead') return relativeTime(task.finishedAt, now);
  return waitsFor(task.pendingDependencies ?? []);
}

function detailHeader(state: TaskState): string {
  if (state === 'delayed' || state === 'waiting') return 'DUE';
  if (state === 'active') return 'STARTED';
  if (state === 'completed' || state === 'dead') return 'FINISHED';
  return 'WAITS FOR';
}

/** A blocked task's unfinished dependencies (read with the task, so free): the first two, and how many more. */
function waitsFor(pending: readonly string[]): string {
  if (pending.length === 0) return '-';
  const shown = pending.slice(0, 2).join(', ');
  return cell(pending.length > 2 ? `${shown} (+${pending.length - 2} more)` : shown, 48);
}

/**
 * Tasks of one name, `offset` of them skipped, up to `limit`: the state read page by page, without values
 * (1,000 tasks of 1 MB were a gigabyte a page); with `values`, the tasks found are then read whole.
 */
async function listByName(
  queue: TaskQueue, name: string, state: TaskState, taskName: string, offset: number, limit: number, values: boolean,
): Promise<TaskSummary[]> {
  const found: TaskSummary[] = [];
  let skipped = 0;
  for (let at = 0; ; at += PAGE) {
    const page = await queue.list(state, { queue: name, offset: at, limit: PAGE, values: false });
    for (const task of page) {
      if (task.name !== taskName) continue;
      if (skipped < offset) skipped++;
      else if (found.push(task) === limit) return values ? whole(queue, name, found) : found;
    }
    if (page.length < PAGE) return values ? whole(queue, name, found) : found;
  }
}

/** The tasks read again with their values (one that went meanwhile is left out). */
async function whole(queue: TaskQueue, name: string, tasks: readonly TaskSummary[]): Promise<TaskInfo[]> {
  const read = await Promise.all(tasks.map((t) => queue.get(t.id, { queue: name })));
  return read.filter((t): t is TaskInfo => t !== null);
}
