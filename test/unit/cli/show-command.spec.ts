import { showCommand } from '../../../lib/cli/commands/show.command.js';
import type { TaskAttempt, TaskInfo, TaskQueue } from '../../../lib/index.js';

// `show` of a task that failed once and then completed: its attempts each on a
// line, and its error labelled with the attempt that failed, not the last one.
// (The command against Redis is in test/e2e/cli-inspect.spec.ts; this is its text.)

describe('nestjs-redis-tasks show', () => {
  it('lists each attempt and labels a completed task\'s error as the last one, of the attempt that failed', async () => {
    const t0 = Date.now() - 10_000;
    const task = {
      id: 'r-1', name: 'mail.send', queue: 'default', state: 'completed', attempts: 2, maxAttempts: 3, priority: 0,
      enqueuedAt: t0, runAt: t0, startedAt: t0 + 200, finishedAt: t0 + 230, payload: { to: 'a' }, result: 'sent',
      error: { name: 'Error', message: 'smtp down' }, traceId: '0af7651916cd43dd8448eb211c80319c',
    } as unknown as TaskInfo;
    const attempts: TaskAttempt[] = [
      { attempt: 1, startedAt: t0 + 10, endedAt: t0 + 130, outcome: 'failed', error: { name: 'Error', message: 'smtp down' }, retryAt: t0 + 190 },
      { attempt: 2, startedAt: t0 + 200, endedAt: t0 + 230, outcome: 'completed' },
    ];
    const queue = { get: async () => task, logs: async () => [], history: async () => attempts } as unknown as TaskQueue;
    const { text, json } = await showCommand.run(queue, { args: ['r-1'], values: {} });
    const lines = text.split('\n');
    expect(lines).toContain('trace     0af7651916cd43dd8448eb211c80319c');
    expect(lines).toContain('attempts (2):');
    expect(lines.find((l) => l.startsWith('  #1 '))).toMatch(/^ {2}#1 failed {5}started \S+Z \(\d+s ago\), ran 120 ms: Error: smtp down; next due \S+Z \(\d+s ago\)$/);
    expect(lines.find((l) => l.startsWith('  #2 '))).toMatch(/^ {2}#2 completed {2}started \S+Z \(\d+s ago\), ran 30 ms$/);
    expect(lines).toContain('last error (attempt 1): Error: smtp down');
    expect(json).toEqual({ task, attempts, logs: [] });
  });

  it("indents an error message's own line breaks, so none reads as a section of its own", async () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0);
    const forged = 'refused\n\nlog (1 line):\n  2026-12-06T12:00:01.000Z  all good';
    const task = {
      id: 'r-3', name: 'mail.send', queue: 'default', state: 'dead', attempts: 1, maxAttempts: 1, priority: 0, enqueuedAt: at, payload: {},
      error: { name: 'Error', message: forged, issues: [{ message: 'bad\nissue: forged', path: ['items', 'a\n  at evil (x.js:1:1)'] }] },
    } as unknown as TaskInfo;
    const attempts: TaskAttempt[] = [{ attempt: 1, startedAt: at, endedAt: at + 5, outcome: 'dead', error: { name: 'Error', message: forged } }];
    const queue = { get: async () => task, logs: async () => [], history: async () => attempts } as unknown as TaskQueue;
    const { text } = await showCommand.run(queue, { args: ['r-3'], values: {} });
    const lines = text.split('\n');
    expect(lines.filter((line) => line.startsWith('log'))).toEqual(['log: no lines']);
    expect(lines.filter((line) => /^ {0,2}issue:/.test(line))).toEqual(['  issue: bad']);
    expect(lines).toContain('error (attempt 1): Error: refused');
    expect(lines.filter((line) => /^ {0,2}at /.test(line))).toEqual([]);
  });

  it("indents a log message's own line breaks under its text, so none reads as another entry", async () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0);
    const task = { id: 'r-2', name: 'mail.send', queue: 'default', state: 'completed', attempts: 1, maxAttempts: 1, priority: 0, enqueuedAt: at, payload: {} } as unknown as TaskInfo;
    const logs = [{ at, message: 'first\n  2026-12-06T12:00:01.000Z  forged entry' }, { at, message: 'second' }];
    const queue = { get: async () => task, logs: async () => logs, history: async () => [] } as unknown as TaskQueue;
    const { text } = await showCommand.run(queue, { args: ['r-2'], values: {} });
    expect(text.split('\n').slice(-4)).toEqual([
      'log (2 lines):',
      '  2026-12-06T12:00:00.000Z  first',
      `${' '.repeat(28)}  2026-12-06T12:00:01.000Z  forged entry`,
      '  2026-12-06T12:00:00.000Z  second',
    ]);
  });
});
