import type { ListOrder } from '../types.js';

// Where a queue page is, as the hash holds it: `#/queues/<queue>?state=&name=&order=&offset=`,
// and where the reader last was on each queue, to take them back there.

/** Where a queue page is. */
export interface QueueRoute {
  queue: string;
  state: string;
  /** The task-name filter, '' for none. */
  name: string;
  offset: number;
  order: ListOrder;
}

/** Whether the page offers to turn a state's list around: finished tasks, where the newest are the ones asked about. */
export const canReorder = (state: string): boolean => state === 'completed' || state === 'dead';

/** A state's order unless the hash says otherwise: newest first for finished tasks ("what just failed?"), the list's own order for the rest. */
export const defaultOrder = (state: string): ListOrder => (canReorder(state) ? 'newest' : 'oldest');

/** The order the API is asked for: a name filter reads the state from its oldest end only. */
export const listedOrder = (route: QueueRoute): ListOrder => (route.name ? 'oldest' : route.order);

/** A queue page's route from the hash's query. */
export function parseQueueRoute(queue: string, query: string): QueueRoute {
  const q = new URLSearchParams(query);
  const state = q.get('state') ?? 'waiting';
  const order = q.get('order');
  return { queue, state, name: q.get('name') ?? '', offset: Number(q.get('offset') ?? 0) || 0, order: order === 'newest' || order === 'oldest' ? order : defaultOrder(state) };
}

/** The hash of a queue page (defaults left out). */
export function queueHash(r: QueueRoute): string {
  const q = new URLSearchParams({ state: r.state });
  if (r.name) q.set('name', r.name);
  if (r.order !== defaultOrder(r.state)) q.set('order', r.order);
  if (r.offset > 0) q.set('offset', String(r.offset));
  return `#/queues/${encodeURIComponent(r.queue)}?${q.toString()}`;
}

/** The page of each queue the reader saw last, as its hash. Kept for this page's life (a reload starts afresh). */
const lastSeen = new Map<string, string>();

/** Notes `route` as the reader's place on its queue. */
export function rememberQueuePage(route: QueueRoute): void {
  lastSeen.set(route.queue, queueHash(route));
}

/** Where to go back to on `queue`: the tab and page the reader came from, else the tab of `state` (the task's, before an action took it away). */
export function backToQueue(queue: string, state: string): string {
  return lastSeen.get(queue) ?? queueHash({ queue, state, name: '', offset: 0, order: defaultOrder(state) });
}
