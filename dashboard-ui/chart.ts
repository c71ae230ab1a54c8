import { compact, h, num } from './dom.js';
import type { ThroughputPoint } from './types.js';

// The throughput chart, drawn as SVG by hand: one stacked bar per minute,
// completed under failed, scaled to the busiest minute. No chart library: a
// bar chart of sixty points does not need one.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1100;
const HEIGHT = 150;
/** Room for the axis label, per character of it (10px type in the chart's units) and beside it. */
const AXIS_CHAR = 6.5;
const AXIS_PAD = 8;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });

/** The chart of `points` (oldest first) with its legend and totals. */
export function throughputChart(points: ThroughputPoint[]): HTMLElement {
  const completed = points.reduce((s, p) => s + p.completed, 0);
  const failed = points.reduce((s, p) => s + p.failed, 0);
  const max = Math.max(1, ...points.map((p) => p.completed + p.failed));
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT + 18}`, class: 'chart', role: 'img', 'aria-label': 'attempts per minute, last hour' });
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
    if (hf > 0) group.appendChild(svg('rect', { x, y: HEIGHT - hc - hf, width: w, height: hf, class: 'bar-failed' }));
    group.appendChild(svg('rect', { x, y: 0, width: w, height: HEIGHT, class: 'hit' }));
    root.appendChild(group);
    if ((i % 15 === 0 && i < points.length - 5) || i === points.length - 1) {
      const last = i === points.length - 1;
      const tick = svg('text', { x: last ? WIDTH : x + w / 2, y: HEIGHT + 14, class: 'tick', 'text-anchor': last ? 'end' : 'middle' });
      tick.textContent = clock(p.minute);
      root.appendChild(tick);
    }
  });
  return h(
    'figure',
    { class: 'chart-box' },
    h('figcaption', {}, h('span', { class: 'legend legend-completed' }, `${num(completed)} completed`), h('span', { class: 'legend legend-failed' }, `${num(failed)} failed`), h('span', { class: 'muted' }, 'attempts per minute, last hour')),
    root as unknown as HTMLElement,
  );
}
