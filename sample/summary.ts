import type { TaskQueue, TaskRef } from 'nestjs-redis-tasks';

/** What the sample expects of one task. */
export interface Expectation {
  label: string;
  ref: TaskRef;
  state: 'completed' | 'dead';
  attempts: number;
}

const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** Prints every task's final state as a table; returns whether everything went as expected. */
export async function printSummary(
  tasks: TaskQueue,
  engine: string,
  expectations: Expectation[],
  checks: Array<{ label: string; ok: boolean }>,
): Promise<boolean> {
  const widths = [34, 15, 10, 8, 62, 3];
  const row = (cols: string[]) => cols.map((c, i) => cell(c, widths[i])).join(' | ');
  const lines = [row(['task', 'name', 'state', 'attempts', 'result / error', 'ok']), widths.map((w) => '-'.repeat(w)).join('-+-')];
  let allOk = true;
  for (const e of expectations) {
    const info = await tasks.get(e.ref);
    const ok = info?.state === e.state && info.attempts === e.attempts;
    allOk &&= ok;
    const outcome = info?.state === 'dead' ? info.error?.message ?? '' : JSON.stringify(info?.result ?? null);
    // 0 ms late is possible (the in-memory engine's timer can fire on the due millisecond): said too.
    const late = info?.startedAt && info.runAt <= info.startedAt && e.label.startsWith('delayed') ? ` (started ${info.startedAt - info.runAt} ms after due)` : '';
    lines.push(row([e.label, info?.name ?? '?', info?.state ?? 'missing', `${info?.attempts ?? '?'}/${info?.maxAttempts ?? '?'}`, outcome + late, ok ? 'yes' : 'NO']));
  }
  for (const check of checks) {
    allOk &&= check.ok;
    lines.push(row([check.label, '', '', '', '', check.ok ? 'yes' : 'NO']));
  }
  process.stdout.write(`\nSummary (engine: ${engine})\n${lines.join('\n')}\n\n${allOk ? 'Everything behaved as expected.' : 'SOMETHING DID NOT BEHAVE AS EXPECTED.'}\n`);
  return allOk;
}
