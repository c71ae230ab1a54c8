import type { Summary } from './stats.js';

/** One row of the result: a figure per library (median of runs, with min-max) and the ratio. */
export interface ResultRow {
  row: string;
  unit: string;
  better: 'higher' | 'lower';
  /** undefined: the library lacks the feature (n/a); null: its runs failed. */
  ours: Summary | null | undefined;
  bullmq: Summary | null | undefined;
  bee: Summary | null | undefined;
  /** ours vs BullMQ, above 1 = ours better. */
  ratio: number | null;
  /** ours vs bee-queue, above 1 = ours better. */
  ratioBee: number | null;
  /** Ceiling rows: what Redis itself does, no library. */
  redis?: Summary | null;
}

export function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'tasks/s' || unit === 'calls/s' || unit === 'bytes') return Math.round(value).toLocaleString('en-US');
  if (unit === 'ms') return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
  return value.toFixed(2);
}

function cell(summary: Summary | null | undefined, unit: string, runs: number): string {
  if (summary === undefined) return 'n/a';
  if (summary === null) return 'error';
  const median = formatNumber(summary.median, unit);
  return runs > 1 ? `${median} (${formatNumber(summary.min, unit)}-${formatNumber(summary.max, unit)})` : median;
}

const times = (ratio: number | null) => (ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`);

function render(header: string[], body: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((v, c) => (rightAligned(c) ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (rightAligned(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The table as Markdown (it reads as plain text too): library rows, then the Redis ceiling. */
export function renderTable(rows: ResultRow[], runs: number): string {
  const libraryRows = rows.filter((r) => r.redis === undefined);
  const ceilingRows = rows.filter((r) => r.redis !== undefined);
  const range = runs > 1 ? ` (median, min-max of ${runs} runs)` : '';
  const main = render(
    ['row', 'unit', `ours${range}`, 'BullMQ', 'bee-queue', 'ours vs BullMQ', 'ours vs bee-queue'],
    libraryRows.map((r) => [
      r.row,
      r.unit,
      cell(r.ours, r.unit, runs),
      cell(r.bullmq, r.unit, runs),
      cell(r.bee, r.unit, runs),
      times(r.ratio),
      times(r.ratioBee),
    ]),
    (c) => c >= 2,
  );
  if (ceilingRows.length === 0) return main;
  const ceiling = render(
    ['what this Redis does at all (no library)', 'unit', `Redis${range}`],
    ceilingRows.map((r) => [r.row, r.unit, cell(r.redis, r.unit, runs)]),
    (c) => c >= 2,
  );
  return `${main}\n\nRatio: above 1 means ours is better (ours/other for throughput, other/ours for latency, memory and commands).\n\n${ceiling}`;
}
