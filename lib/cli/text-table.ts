import { cutToWidth, displayWidth, padToWidth } from './display-width.js';
import { terminalSafe } from './terminal-text.js';

/** A column of a text table; numbers read best right-aligned. */
export interface Column {
  header: string;
  right?: boolean;
}

/**
 * A cell as it is printed: on one line (a tab or line break would break the
 * columns), its unsafe characters escaped before the widths are measured, so
 * an escape cannot push the columns after it out of line.
 */
function printable(text: string): string {
  return terminalSafe(text.replace(/\r?\n|\t/g, ' '));
}

/**
 * Rows as aligned columns under a header line, two spaces apart; lines
 * carry no trailing spaces. An empty table
 * prints `empty` instead, so a reader does not mistake it for a failure.
 */
export function textTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, empty: string): string {
  if (rows.length === 0) return empty;
  const lines = [columns.map((c) => c.header), ...rows].map((line) => line.map(printable));
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => displayWidth(line[i] ?? ''))));
  return lines
    .map((line) =>
      columns
        .map((column, i) => {
          const cell = line[i] ?? '';
          if (column.right) return padToWidth(cell, widths[i], true);
          return i === columns.length - 1 ? cell : padToWidth(cell, widths[i]);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Label-value lines, the values aligned: what `show` prints for one task. */
export function fieldList(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...fields.map(([label]) => displayWidth(label)));
  return fields.map(([label, value]) => `${padToWidth(label, width)}  ${value}`).join('\n');
}

/**
 * Cuts a one-line cell to `max` columns (an ellipsis marks the cut); line
 * breaks and tabs become spaces, and unsafe characters are escaped first, so
 * the cut is of what is printed.
 */
export function cell(text: string, max = 60): string {
  const line = terminalSafe(text.replace(/[ \t]*\r?\n[ \t]*/g, ' ').replace(/\t/g, ' '));
  if (displayWidth(line) <= max) return line;
  return `${cutToWidth(line, max - 1)}…`;
}
