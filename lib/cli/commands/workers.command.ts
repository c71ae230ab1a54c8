import type { CliCommand } from '../cli-command.js';
import { textTable } from '../text-table.js';
import { relativeTime } from '../time-format.js';
import { heartbeatLate } from '../../engine/heartbeat-late.js';
import { knownQueue } from './known-queue.js';

/** `workers [queue]`: the live workers of the prefix, or of one queue. */
export const workersCommand: CliCommand = {
  name: 'workers',
  summary: 'the live workers of the prefix (of one queue when given)',
  usage: 'workers [queue]',
  help: [
    'From the workers\' heartbeats (every third of leaseMs): a worker drops out when it stops, or one lease after it died.',
    'With a queue, each worker\'s line shows that queue only (--json: every queue it serves).',
    'A queue the prefix does not know fails (exit 1).',
  ],
  options: {},
  arity: { min: 0, max: 1 },
  changes: false,
  async run(queue, { args: [given] }, place) {
    const name = given === undefined ? undefined : await knownQueue(queue, 'workers', given, '[queue]', place);
    const workers = await queue.workers(name);
    const now = await place.now();
    // A worker of many queues made a line of hundreds of characters, the one asked about somewhere in it.
    const shown = (w: (typeof workers)[number]) => (name === undefined ? w.queues : w.queues.filter((q) => q.queue === name));
    const rows = workers.map((w) => [
      w.instanceId, w.host, String(w.pid), relativeTime(w.startedAt, now),
      `${relativeTime(w.lastSeenAt, now)}${heartbeatLate(w, now) ? ` (late: beats every ${beatText(w.heartbeatEveryMs!)}; stopped or stalled?)` : ''}`,
      // Tasks leased ahead are active in the queue's counts but not running: shown apart, or 84/20 reads as a broken limit.
      shown(w).map((q) => `${q.queue} (${q.running}/${q.concurrency}${q.buffered > 0 ? ` +${q.buffered} buffered` : ''})`).join(', '),
    ]);
    const columns = [{ header: 'INSTANCE' }, { header: 'HOST' }, { header: 'PID', right: true }, { header: 'STARTED' }, { header: 'SEEN' }, { header: 'QUEUES (RUNNING/CONCURRENCY)' }];
    const empty = name === undefined ? `No live workers under prefix '${place.prefix}' on ${place.redis}.` : `No live workers of queue '${name}'.`;
    return { json: workers, text: textTable(columns, rows, empty) };
  },
};

/** "10s", or "100 ms" under a second. */
function beatText(ms: number): string {
  return ms >= 1_000 ? `${Math.round(ms / 1_000)}s` : `${ms} ms`;
}
