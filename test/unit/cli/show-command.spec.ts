import type { Place } from '../../../lib/cli/cli-command.js';
import { showCommand } from '../../../lib/cli/commands/show.command.js';
import type { TaskAttempt, TaskInfo, TaskLogLine, TaskQueue, TaskRelations } from '../../../lib/index.js';

// `show` of one task: its attempts each on a line, its error labelled with the
// attempt that failed, its dependencies and dependents with their states, and
// long values cut. (The command against Redis is in test/e2e/cli-*.spec.ts; this is its text.)

const PLACE: Place = { prefix: 'tasks', redis: 'Redis at 127.0.0.1:6379', now: async () => Date.now() };

/** A TaskQueue that knows `tasks` (by id, in queue 'default'), with the given history, log and relations. */
function queueOf(tasks: TaskInfo[], attempts: TaskAttempt[] = [], logs: TaskLogLine[] = [], relations: TaskRelations = { dependencies: [], dependents: [] }): TaskQueue {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    get: async (id: string) => byId.get(id) ?? null,
    logs: async () => logs,
    history: async () => attempts,
    relations: async () => relations,
    queues: async () => ['default'],
  } as unknown as TaskQueue;
}

function task(fields: Partial<TaskInfo>): TaskInfo {
  const at = Date.UTC(2026, 11, 6, 12, 0, 0);
  return { id: 'r-1', name: 'mail.send', queue: 'default', state: 'dead', attempts: 1, maxAttempts: 1, priority: 0, enqueuedAt: at, runAt: at, payload: {}, ...fields } as TaskInfo;
}

describe('nestjs-redis-tasks show', () => {
  it('lists each attempt and labels a completed task\'s error as the last one, of the attempt that failed', async () => {
    const t0 = Date.now() - 10_000;
    const shown = task({
      id: 'r-1', state: 'completed', attempts: 2, maxAttempts: 3, enqueuedAt: t0, runAt: t0, startedAt: t0 + 200, finishedAt: t0 + 230,
      payload: { to: 'a' }, result: 'sent', error: { name: 'Error', message: 'smtp down' }, traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    const attempts: TaskAttempt[] = [
      { attempt: 1, startedAt: t0 + 10, endedAt: t0 + 130, outcome: 'failed', error: { name: 'Error', message: 'smtp down' }, retryAt: t0 + 190, run: 1 },
      { attempt: 2, startedAt: t0 + 200, endedAt: t0 + 230, outcome: 'completed', run: 1 },
    ];
    const { text, json } = await showCommand.run(queueOf([shown], attempts), { args: ['r-1'], values: {} }, PLACE);
    const lines = text.split('\n');
    expect(lines).toContain('trace     0af7651916cd43dd8448eb211c80319c');
    expect(lines).toContain('attempts (2):');
    expect(lines.find((l) => l.startsWith('  #1 '))).toMatch(/^ {2}#1 failed {5}started \S+Z \(\d+s ago\), ran 120 ms: Error: smtp down; next due \S+Z \(\d+s ago\)$/);
    expect(lines.find((l) => l.startsWith('  #2 '))).toMatch(/^ {2}#2 completed {2}started \S+Z \(\d+s ago\), ran 30 ms$/);
    expect(lines).toContain('last error (attempt 1): Error: smtp down');
    expect(json).toEqual({ task: shown, attempts, logs: [], relations: { dependencies: [], dependents: [] } });
  });

  it('shows attempts of several runs under a heading each: a retry from dead numbers its attempts from 1 again', async () => {
    const t0 = Date.now() - 10_000;
    const shown = task({ state: 'active', attempts: 1, maxAttempts: 2, startedAt: t0 + 500, error: { message: 'smtp down' } });
    const failed = (attempt: number, at: number, run: number, outcome: 'failed' | 'dead'): TaskAttempt =>
      ({ attempt, startedAt: at, endedAt: at + 10, outcome, error: { message: 'smtp down' }, run });
    const attempts: TaskAttempt[] = [
      failed(1, t0, 1, 'failed'),
      failed(2, t0 + 100, 1, 'dead'),
      { attempt: 1, startedAt: t0 + 500, endedAt: null, outcome: 'running', run: 2 },
    ];
    const { text } = await showCommand.run(queueOf([shown], attempts), { args: ['r-1'], values: {} }, PLACE);
    const lines = text.split('\n');
    const at = lines.indexOf('attempts (3):');
    expect(lines.slice(at + 1, at + 6).map((line) => line.replace(/ +started .*/, ''))).toEqual([
      '  run 1:',
      '    #1 failed',
      '    #2 dead',
      '  run 2 (retried from dead):',
      '    #1 running',
    ]);
    // The earlier run without an attempt kept (a dependent ended dead by its dependency, then retried): still said.
    const alone = await showCommand.run(queueOf([shown], [attempts[2]!]), { args: ['r-1'], values: {} }, PLACE);
    const aloneLines = alone.text.split('\n');
    expect(aloneLines.slice(aloneLines.indexOf('attempts (1):') + 1, aloneLines.indexOf('attempts (1):') + 3).map((line) => line.replace(/ +started .*/, ''))).toEqual([
      '  run 2 (retried from dead):',
      '    #1 running',
    ]);
  });

  it('says a lost attempt was taken back, not that it ran until then: its worker died at some point before', async () => {
    const t0 = Date.now() - 10_000;
    const message = 'attempt 1 was lost: its worker stopped renewing the lease (crash, hang or lost connection)';
    const shown = task({ startedAt: t0, finishedAt: t0 + 6_322, error: { message } });
    const attempts: TaskAttempt[] = [{ attempt: 1, startedAt: t0, endedAt: t0 + 6_322, outcome: 'dead', error: { message }, run: 1 }];
    const { text } = await showCommand.run(queueOf([shown], attempts), { args: ['r-1'], values: {} }, PLACE);
    expect(text.split('\n').find((l) => l.startsWith('  #1 '))).toMatch(/^ {2}#1 dead {7}started \S+Z \(\d+s ago\), lost, taken back 6322 ms after its start: attempt 1 was lost: /);
  });

  it("indents an error message's own line breaks, so none reads as a section of its own", async () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0);
    const forged = 'refused\n\nlog (1 line):\n  2026-12-06T12:00:01.000Z  all good';
    const shown = task({ id: 'r-3', error: { name: 'Error', message: forged, issues: [{ message: 'bad\nissue: forged', path: ['items', 'a\n  at evil (x.js:1:1)'] }] } });
    const attempts: TaskAttempt[] = [{ attempt: 1, startedAt: at, endedAt: at + 5, outcome: 'dead', error: { name: 'Error', message: forged }, run: 1 }];
    const { text } = await showCommand.run(queueOf([shown], attempts), { args: ['r-3'], values: {} }, PLACE);
    const lines = text.split('\n');
    expect(lines.filter((line) => line.startsWith('log'))).toEqual(['log: no lines']);
    expect(lines.filter((line) => /^ {0,2}issue:/.test(line))).toEqual(['  issue: bad']);
    expect(lines).toContain('error (attempt 1): Error: refused');
    expect(lines.filter((line) => /^ {0,2}at /.test(line))).toEqual([]);
  });

  it("indents a log message's own line breaks under its text, so none reads as another entry", async () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0);
    const logs = [{ at, message: 'first\n  2026-12-06T12:00:01.000Z  forged entry' }, { at, message: 'second' }];
    const { text } = await showCommand.run(queueOf([task({ id: 'r-2', state: 'completed' })], [], logs), { args: ['r-2'], values: {} }, PLACE);
    expect(text.split('\n').slice(-4)).toEqual([
      'log (2 lines):',
      '  2026-12-06T12:00:00.000Z  first',
      `${' '.repeat(28)}  2026-12-06T12:00:01.000Z  forged entry`,
      '  2026-12-06T12:00:00.000Z  second',
    ]);
  });

  it('names the worker holding a running task and when its lease ends, and says so when that worker stopped renewing it', async () => {
    const now = Date.now();
    const running = task({ id: 'r-1', state: 'active', startedAt: now - 1_000, lease: { workerId: '7qe.747defd7', expiresAt: now + 29_000 } });
    const { text } = await showCommand.run(queueOf([running]), { args: ['r-1'], values: {} }, PLACE);
    expect(text).toMatch(/^lease +worker 7qe\.747defd7 \(see workers\), until \d{4}-\d\d-\d\dT[\d:.]+Z \(in 2\ds\)$/m);
    const orphaned = task({ id: 'r-1', state: 'active', startedAt: now - 60_000, lease: { workerId: '7qe.747defd7', expiresAt: now - 30_000 } });
    const { text: late } = await showCommand.run(queueOf([orphaned]), { args: ['r-1'], values: {} }, PLACE);
    expect(late).toMatch(/^lease +worker 7qe\.747defd7 .*: expired, so that worker stopped renewing it; a live worker of the queue takes it back$/m);
  });

  it("measures the lease's end against Redis's clock, not this machine's, which may be minutes off", async () => {
    // Redis is five minutes ahead of this machine: the store's times are in its clock.
    const storeNow = Date.now() + 300_000;
    const running = task({ id: 'r-1', state: 'active', startedAt: storeNow - 1_000, lease: { workerId: '7qe.747defd7', expiresAt: storeNow + 29_000 } });
    const { text } = await showCommand.run(queueOf([running]), { args: ['r-1'], values: {} }, { ...PLACE, now: async () => storeNow });
    expect(text).toMatch(/^lease +worker 7qe\.747defd7 \(see workers\), until \S+ \(in 2\ds\)$/m);
  });

  it('says a dependent that died with its dependency failed before any attempt, not in attempt 0', async () => {
    const dependent = task({ id: 'd-1', attempts: 0, error: { name: 'Error', message: "dependency 'p-1' ended dead" } });
    const { text } = await showCommand.run(queueOf([dependent]), { args: ['d-1'], values: {} }, PLACE);
    expect(text.split('\n')).toContain("error (before any attempt): Error: dependency 'p-1' ended dead");
    expect(text).not.toContain('attempt 0');
  });

  it('lists the dependencies and dependents with their states, the first ten of each, and how many more', async () => {
    const dead = task({ id: 'child', state: 'dead', attempts: 0, error: { message: 'x' } });
    const deps = [task({ id: 'dep-ok', state: 'completed' }), task({ id: 'dep-dead', state: 'dead' })];
    const dependents = Array.from({ length: 12 }, (_, i) => task({ id: `next-${String(i).padStart(2, '0')}`, state: 'dead' }));
    const relations = { dependencies: ['dep-ok', 'dep-dead', 'dep-gone'], dependents: dependents.map((d) => d.id) };
    const { text, json } = await showCommand.run(queueOf([dead, ...deps, ...dependents], [], [], relations), { args: ['child'], values: {} }, PLACE);
    const lines = text.split('\n');
    const at = lines.indexOf('dependencies (3):');
    expect(lines.slice(at, at + 4)).toEqual([
      'dependencies (3):',
      '  dep-ok    completed',
      '  dep-dead  dead (counts as ended if this task is retried)',
      '  dep-gone  no longer stored (removed, or by retention)',
    ]);
    const from = lines.indexOf('dependents (12):');
    expect(lines.slice(from + 1, from + 12)).toEqual([...dependents.slice(0, 10).map((d) => `  ${d.id}  dead`), '  ... and 2 more (--json lists every id)']);
    expect((json as { relations: unknown }).relations).toEqual(relations);
  });

  it('cuts a long payload, result or progress, saying how much and that --json prints it whole', async () => {
    const big = 'x'.repeat(300_000);
    const shown = task({ id: 'big', state: 'completed', payload: { big }, result: big, progress: { note: big } });
    const { text, json } = await showCommand.run(queueOf([shown]), { args: ['big'], values: {} }, PLACE);
    const cut = (value: unknown) => `${JSON.stringify(value).slice(0, 4_096)}… (${JSON.stringify(value).length - 4_096} more characters cut; --json prints it whole)`;
    const lines = text.split('\n');
    expect(lines).toContain(`payload   ${cut({ big })}`);
    expect(lines).toContain(`result    ${cut(big)}`);
    expect(lines).toContain(`progress  ${cut({ note: big })}`);
    expect(text.length).toBeLessThan(20_000);
    expect((json as { task: TaskInfo }).task.payload).toEqual({ big });
  });
});
