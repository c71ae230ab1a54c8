import { compact, h, num } from './dom.js';
import type { ThroughputPoint } from './types.js';

// The throughput chart, drawn as SVG by hand: one stacked bar per minute,
// completed under failed, scaled to the busiest minute. No chart library: a
// bar chart of sixty points does not need one.
//
// The picture is for the eye only (hidden from screen readers): its numbers
// are in the caption (the hour's totals) and in a table of the minutes that
// had attempts, folded under it, which a keyboard reaches too (a bar's tooltip
// needs a mouse). Failed bars are hatched, not only red, and the legend says
// which is which in words.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1100;
const HEIGHT = 150;
/** Room for the axis label, per character of it (10px type in the chart's units) and beside it. */
const AXIS_CHAR = 6.5;
const AXIS_PAD = 8;
/** The failed bars' hatching (one chart per view, so one id per page). */
const HATCH = 'chart-failed-hatch';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });

/** Diagonal stripes of the card's colour over the failure colour. */
function hatch(): SVGDefsElement {
  const defs = svg('defs', {});
  const pattern = svg('pattern', { id: HATCH, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { width: 6, height: 6, class: 'hatch-back' }), svg('rect', { width: 2, height: 6, class: 'hatch-line' }));
  defs.appendChild(pattern);
  return defs;
}

/** The bars, the busiest minute's count and the times under them (the times in the chart's own type, for wide screens). */
function bars(points: ThroughputPoint[], max: number): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT + 18}`, class: 'chart', 'aria-hidden': 'true', focusable: 'false' });
  root.appendChild(hatch());
  // Compact ("1.4k") and given the room it takes, so a busy minute's label is not cut at the left edge.
  const label = compact(max);
  const axis = Math.max(20, Math.ceil(label.length * AXIS_CHAR) + AXIS_PAD);
  const plot = WIDTH - axis;
  const step = plot / Math.max(1, points.length);
  root.appendChild(svg('line', { x1: axis, y1: HEIGHT, x2: WIDTH, y2: HEIGHT, class: 'axis' }));
  root.appendChild(svg('line', { x1: axis, y1: 2, x2: WIDTH, y2: 2, class: 'grid' }));
  const top = svg('text', { x: axis - 4, y: 10, class: 'tick', 'text-anchor': 'end' });
  top.textContent = label;
  root.appendChild(top);
  points.forEach((p, i) => {
    const x = axis + i * step + 1;
    const w = Math.max(1, step - 2);
    const hc = (p.completed / max) * (HEIGHT - 4);
    const hf = (p.failed / max) * (HEIGHT - 4);
    const group = svg('g', {});
    const title = svg('title', {});
    title.textContent = `${clock(p.minute)}: ${num(p.completed)} completed, ${num(p.failed)} failed`;
    group.appendChild(title);
    if (hc > 0) group.appendChild(svg('rect', { x, y: HEIGHT - hc, width: w, height: hc, class: 'bar-completed' }));
    if (hf > 0) group.appendChild(svg('rect', { x, y: HEIGHT - hc - hf, width: w, height: hf, class: 'bar-failed', fill: `url(#${HATCH})` }));
    group.appendChild(svg('rect', { x, y: 0, width: w, height: HEIGHT, class: 'hit' }));
    root.appendChild(group);
    if ((i % 15 === 0 && i < points.length - 5) || i === points.length - 1) {
      const last = i === points.length - 1;
      const tick = svg('text', { x: last ? WIDTH : x + w / 2, y: HEIGHT + 14, class: 'tick', 'text-anchor': last ? 'end' : 'middle' });
      tick.textContent = clock(p.minute);
      root.appendChild(tick);
    }
  });
  return root;
}

/** The minutes that had attempts, as a table, folded until opened. */
function values(points: ThroughputPoint[]): HTMLElement {
  const busy = points.filter((p) => p.completed + p.failed > 0);
  const table = busy.length === 0
    ? h('p', { class: 'empty' }, 'No attempt in the last hour.')
    : h(
        'table',
        { class: 'grid' },
        h('caption', { class: 'visually-hidden' }, 'attempts per minute, minutes without any left out'),
        h('thead', {}, h('tr', {}, h('th', {}, 'minute'), h('th', { class: 'n' }, 'completed'), h('th', { class: 'n' }, 'failed'))),
        h('tbody', {}, ...busy.map((p) => h('tr', {}, h('td', {}, clock(p.minute)), h('td', { class: 'n' }, num(p.completed)), h('td', { class: 'n' }, num(p.failed))))),
      );
  return h('details', { class: 'chart-values' }, h('summary', {}, 'values by minute'), table);
}

/** The chart of `points` (oldest first) with its legend and totals, and its values as a table. */
export function throughputChart(points: ThroughputPoint[]): HTMLElement {
  const completed = points.reduce((s, p) => s + p.completed, 0);
  const failed = points.reduce((s, p) => s + p.failed, 0);
  const busiest = Math.max(0, ...points.map((p) => p.completed + p.failed));
  // On a narrow screen the chart's own type would shrink to a few pixels: these take the place of its labels there.
  const ticks = points.length === 0
    ? null
    : h('div', { class: 'chart-ticks', 'aria-hidden': 'true' }, h('span', {}, clock(points[0].minute)), h('span', {}, `busiest minute: ${num(busiest)}`), h('span', {}, clock(points[points.length - 1].minute)));
  return h(
    'figure',
    { class: 'chart-box' },
    h('figcaption', {}, h('span', { class: 'legend legend-completed' }, `${num(completed)} completed`), h('span', { class: 'legend legend-failed' }, `${num(failed)} failed`), h('span', { class: 'muted' }, 'attempts per minute, last hour')),
    bars(points, Math.max(1, busiest)) as unknown as HTMLElement,
    ticks,
    values(points),
  );
}
