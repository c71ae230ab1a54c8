import type { ResultRow } from './table.js';

/**
 * The throughput rows (tasks/s) as a grouped horizontal bar chart in SVG: one
 * group per row, one bar per library, each bar labelled with its median. SVG
 * so that it stays sharp, diffs as text and needs nothing to render it.
 */
const LIBRARIES = [
  { key: 'ours', label: 'nestjs-redis-tasks', colour: '#2563eb' },
  { key: 'bullmq', label: 'BullMQ', colour: '#d97706' },
  { key: 'bee', label: 'bee-queue', colour: '#6b7280' },
] as const;

const WIDTH = 900;
const LABEL_WIDTH = 330;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 16;
const TOP = 64;

/** Characters of a label line that fit in LABEL_WIDTH at the chart's font size (about 6.5 px each). */
const LABEL_CHARS = 48;
/** Distance between the two lines of a wrapped label. */
const LINE_HEIGHT = 14;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A row's label in one line, or in two split after a comma when it is longer
 * than LABEL_CHARS: the warm-up rows' labels do not fit beside the bars, and
 * a label drawn as one line ran off the chart's left edge.
 */
function labelLines(label: string): string[] {
  if (label.length <= LABEL_CHARS) return [label];
  const cut = label.lastIndexOf(', ', LABEL_CHARS);
  return cut > 0 ? [label.slice(0, cut + 1), label.slice(cut + 2)] : [label];
}

/** The SVG document for the tasks/s rows of a run; `title` heads it (the date and machine, say). */
export function renderThroughputChart(rows: ResultRow[], title: string): string {
  const throughput = rows.filter((r) => r.unit === 'tasks/s' && r.redis === undefined);
  const max = Math.max(1, ...throughput.flatMap((r) => LIBRARIES.map((lib) => r[lib.key]?.median ?? 0)));
  const plotWidth = WIDTH - LABEL_WIDTH - 90;
  const groupHeight = LIBRARIES.length * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
  const height = TOP + throughput.length * groupHeight + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#111827">${escapeXml(title)}</text>`,
  ];
  LIBRARIES.forEach((lib, i) => {
    const x = 16 + i * 180;
    parts.push(`<rect x="${x}" y="38" width="12" height="12" fill="${lib.colour}"/>`);
    parts.push(`<text x="${x + 18}" y="48" fill="#374151">${escapeXml(lib.label)}</text>`);
  });
  throughput.forEach((row, g) => {
    const groupTop = TOP + g * groupHeight;
    const middle = groupTop + (LIBRARIES.length * (BAR_HEIGHT + BAR_GAP)) / 2 + 4;
    const lines = labelLines(row.row);
    lines.forEach((line, i) => {
      const y = middle + (i - (lines.length - 1) / 2) * LINE_HEIGHT;
      parts.push(`<text x="${LABEL_WIDTH - 10}" y="${y}" text-anchor="end" fill="#111827">${escapeXml(line)}</text>`);
    });
    LIBRARIES.forEach((lib, i) => {
      const y = groupTop + i * (BAR_HEIGHT + BAR_GAP);
      const value = row[lib.key]?.median;
      if (value === undefined) {
        parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + BAR_HEIGHT - 3}" fill="#9ca3af">n/a</text>`);
        return;
      }
      const width = Math.max(1, (value / max) * plotWidth);
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${lib.colour}" rx="2"/>`);
      parts.push(
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + BAR_HEIGHT - 3}" fill="#374151">${Math.round(value).toLocaleString('en-US')}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
