import { MAX_THROUGHPUT_MINUTES } from '../../producer/insight-options.checks.js';
import { integerOption } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import { textTable } from '../text-table.js';
import { relativeTime } from '../time-format.js';
import { knownQueue } from './known-queue.js';

/** `throughput <queue>`: attempts completed and failed per minute, for the last hour or so. */
export const throughputCommand: CliCommand = {
  name: 'throughput',
  summary: "a queue's attempts completed and failed per minute",
  usage: 'throughput <queue> [--minutes <n>]',
  help: [
    `--minutes <n>  how many minutes back, the current one included, 1 to ${MAX_THROUGHPUT_MINUTES} (default 60)`,
    'Per minute (Redis time), oldest first, zeros included (TaskQueue.throughput). A failed attempt is one that',
    'was retried or ended dead (a lost lease counts). Fails (exit 1) for a queue the prefix does not know.',
    'With --json: ThroughputPoint[] ({ "minute": epoch ms, "completed", "failed" }).',
  ],
  options: { minutes: { type: 'string' } },
  arity: { min: 1, max: 1 },
  changes: false,
  async run(queue, { args: [given], values }, place) {
    const minutes = integerOption('throughput', values, 'minutes', 60, 1, MAX_THROUGHPUT_MINUTES);
    const name = await knownQueue(queue, 'throughput', given, '<queue>', place);
    const points = await queue.throughput(name, { minutes });
    const now = await place.now();
    // Minutes to the minute, in UTC like `show`'s times: "2026-12-04T23:41Z".
    const rows = points.map((p) => [`${new Date(p.minute).toISOString().slice(0, 16)}Z`, relativeTime(p.minute, now), String(p.completed), String(p.failed)]);
    const columns = [{ header: 'MINUTE (UTC)' }, { header: '' }, { header: 'COMPLETED', right: true }, { header: 'FAILED', right: true }];
    const completed = points.reduce((sum, p) => sum + p.completed, 0);
    const failed = points.reduce((sum, p) => sum + p.failed, 0);
    const total = `Queue '${name}', last ${minutes} minute${minutes === 1 ? '' : 's'}: ${completed} completed, ${failed} failed.`;
    return { json: points, text: `${textTable(columns, rows, '')}\n\n${total}` };
  },
};
