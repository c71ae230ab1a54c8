import { h, num } from '../dom.js';
import type { QueueRoute } from './queue-route.js';

/** What a page of the list holds: its rows, and the state's total when known. */
export interface PageShown {
  shown: number;
  /** Null under a name filter, which counts only what it finds. */
  total: number | null;
}

/**
 * A queue page's pager: previous, the range shown, next, and last (when the
 * state's total is known: not under a name filter). Drawn with the page's
 * frame before its rows are read (`page` null: next and last wait for them),
 * so that the pager button the reader pressed is there to take the focus at
 * once. A button that cannot be used is aria-disabled, not disabled: on the
 * last page, Next keeps the focus that brought the reader there.
 */
export function queuePager(route: QueueRoute, size: number, page: PageShown | null, go: (change: Partial<QueueRoute>, keep: string) => void): HTMLElement[] {
  const end = route.offset + (page?.shown ?? 0);
  const total = page ? page.total : null;
  const lastOffset = total !== null && total > 0 ? Math.floor((total - 1) / size) * size : null;
  const button = (which: string, blocked: boolean, offset: number, ...label: Array<HTMLElement | string>) =>
    h('button', { type: 'button', class: 'btn', 'data-page': which, 'aria-disabled': blocked ? 'true' : undefined, onclick: () => blocked || go({ offset }, `button[data-page="${which}"]`) }, ...label);
  const arrow = (glyph: string) => h('span', { 'aria-hidden': 'true' }, glyph);
  return [
    button('prev', route.offset === 0, Math.max(0, route.offset - size), arrow('← '), 'Previous'),
    h('span', { class: 'muted', 'data-testid': 'range' }, !page || page.shown === 0 ? '' : `${num(route.offset + 1)}–${num(end)}${total === null ? '' : ` of ${num(total)}`}`),
    button('next', !page || page.shown < size || (total !== null && end >= total), route.offset + size, 'Next', arrow(' →')),
    // Before the rows are read, drawn (waiting) wherever it can be: without a name filter.
    (route.name || (page && lastOffset === null)) ? null : button('last', lastOffset === null || route.offset >= lastOffset, lastOffset ?? 0, 'Last', arrow(' ⇥')),
  ].filter((el): el is HTMLElement => el !== null);
}
