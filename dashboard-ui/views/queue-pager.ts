import { h, num } from '../dom.js';
import type { QueueRoute } from './queue-route.js';

/**
 * A queue page's pager: previous, the range shown, next, and last (when the
 * state's total is known: not under a name filter, which counts only what it
 * finds). `shown` is how many rows this page has.
 */
export function queuePager(route: QueueRoute, shown: number, total: number | null, page: number, go: (change: Partial<QueueRoute>) => void): HTMLElement[] {
  const end = route.offset + shown;
  const lastOffset = total !== null && total > 0 ? Math.floor((total - 1) / page) * page : null;
  return [
    h('button', { type: 'button', class: 'btn', 'data-page': 'prev', disabled: route.offset === 0, onclick: () => go({ offset: Math.max(0, route.offset - page) }) }, '← Previous'),
    h('span', { class: 'muted', 'data-testid': 'range' }, shown === 0 ? '' : `${num(route.offset + 1)}–${num(end)}${total === null ? '' : ` of ${num(total)}`}`),
    h('button', { type: 'button', class: 'btn', 'data-page': 'next', disabled: shown < page || (total !== null && end >= total), onclick: () => go({ offset: route.offset + page }) }, 'Next →'),
    lastOffset === null
      ? null
      : h('button', { type: 'button', class: 'btn', 'data-page': 'last', disabled: route.offset >= lastOffset, onclick: () => go({ offset: lastOffset }) }, 'Last ⇥'),
  ].filter((el): el is HTMLButtonElement | HTMLSpanElement => el !== null);
}
