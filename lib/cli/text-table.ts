/** A column of a text table; numbers read best right-aligned. */
export interface Column {
  header: string;
  right?: boolean;
}

/**
 * Rows as aligned columns under a header line, two spaces apart; lines
 * carry no trailing spaces. An empty table
 * prints `empty` instead, so a reader does not mistake it for a failure.
 */
export function textTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, empty: string): string {
  if (rows.length === 0) return empty;
  const lines = [columns.map((c) => c.header), ...rows];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  return lines
    .map((line) =>
      columns
        .map((column, i) => {
          const cell = line[i] ?? '';
          if (column.right) return cell.padStart(widths[i]);
          return i === columns.length - 1 ? cell : cell.padEnd(widths[i]);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Label-value lines, the values aligned: what `show` prints for one task. */
export function fieldList(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Cuts a one-line cell to `max` characters (an ellipsis marks the cut); line breaks become spaces. */
export function cell(text: string, max = 60): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
