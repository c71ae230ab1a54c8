import { isLostAttempt } from '../../lib/engine/lost-attempt.js';
import { namedMessage } from '../../lib/execution/named-message.js';
import { actionButton } from '../actions.js';
import { ApiError, getJson, seg } from '../api.js';
import { chip, fill, foldable, h, jsonBlock, link, num, scrollBlock } from '../dom.js';
import { patch } from '../patch.js';
import { duration, stamp } from '../time.js';
import type { TaskPageView } from '../types.js';
import type { View } from '../view.js';
import { enqueueAgain } from './enqueue-again.js';
import { backToQueue } from './queue-route.js';

type Attempt = TaskPageView['history'][number];

/** When a timeline entry happened. */
const when = (ms: number | null) => h('span', { class: 'when' }, stamp(ms));

/** An error message, folded like a long payload when it is long. */
function errorMessage(text: string, testId?: string): HTMLElement {
  return foldable(h('div', { class: 'error-message', 'data-testid': testId }, text), text, 'error');
}

/** The state timeline: enqueued, each attempt's start and end (with its error and stack), the backoff waits. */
function timeline(data: TaskPageView): HTMLElement {
  const items: HTMLElement[] = [h('li', {}, when(data.task.enqueuedAt), 'enqueued')];
  data.history.forEach((a: Attempt, i: number) => {
    // A retry from dead starts a run, numbering its attempts from 1 again: said, so that the runs read apart.
    const runStarts = i === 0 ? a.run > 1 : a.run !== data.history[i - 1]!.run;
    if (runStarts) {
      const earlier = i === 0 ? ' (no attempt of an earlier run is kept)' : '';
      items.push(h('li', { class: 'run', 'data-testid': 'run-start' }, when(null), `retried from dead: run ${a.run}${earlier}`));
    }
    items.push(h('li', {}, when(a.startedAt), `attempt ${a.attempt} started`));
    if (a.outcome === 'running') {
      items.push(h('li', { class: 'running' }, h('span', { class: 'when' }, 'now'), `attempt ${a.attempt} running`));
      return;
    }
    const span = a.endedAt !== null && a.startedAt > 0 ? duration(a.endedAt - a.startedAt) : null;
    // A lost attempt ends when recovery took its lease back, whenever its worker died in between.
    const took = span === null ? '' : isLostAttempt(a.error) ? `: lost, taken back ${span} after its start` : ` after ${span}`;
    const ended = h('li', { class: `ended-${a.outcome}` }, when(a.endedAt), `attempt ${a.attempt} ${a.outcome}${took}`);
    if (a.error) {
      ended.appendChild(errorMessage(namedMessage(a.error), 'attempt-error'));
      if (a.error.stack) ended.appendChild(h('details', {}, h('summary', {}, 'stack'), scrollBlock('stack', `stack of attempt ${a.attempt}`, a.error.stack)));
    }
    items.push(ended);
    if (a.retryAt !== undefined && a.endedAt !== null) {
      const waited = a.retryAt > a.endedAt ? [`backoff: waited ${duration(a.retryAt - a.endedAt)} until `, stamp(a.retryAt)] : ['retried at once'];
      items.push(h('li', { class: 'wait' }, when(a.endedAt), ...waited));
    }
  });
  if (data.task.state === 'dead' && data.history.length === 0 && data.task.error) {
    items.push(h('li', { class: 'ended-dead' }, when(data.task.finishedAt), 'dead without running', errorMessage(data.task.error.message)));
  }
  return h('ol', { class: 'timeline' }, ...items);
}

function field(label: string, value: Node | string | number): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, value)];
}

/** The ids the page carries (the API sends the first hundred of a list), then how many more the list holds. */
function idLinks(ids: readonly string[], total: number, linkTo: (id: string) => HTMLElement, testId: string): Node | string {
  if (total === 0) return '—';
  const more = total - ids.length;
  return h(
    'span',
    { class: 'links', 'data-testid': testId },
    ...ids.map(linkTo),
    more > 0 ? h('span', { class: 'muted' }, `and ${num(more)} more (TaskQueue.relations or the CLI's show --json lists them all)`) : null,
  );
}

/** One task: its payload, result, timeline, errors, progress, log and relations, with retry, cancel and enqueue again. */
export function taskView(queue: string, id: string): View {
  // The frame: the heading (which takes the focus after a route change) is drawn at once; the state and the actions by each refresh.
  const stateChip = h('span', { 'data-testid': 'task-state' });
  const actions = h('div', { class: 'actions' });
  const head = h('div', { class: 'title-row' }, h('h1', { class: 'mono', tabindex: -1 }, id), stateChip, actions);
  const body = h('div', { class: 'task-body' });
  const path = `queues/${seg(queue)}/tasks/${seg(id)}`;
  const again = enqueueAgain(queue, path);
  let shown = '';
  const taskLink = (other: string) => link(`/queues/${encodeURIComponent(queue)}/tasks/${encodeURIComponent(other)}`, other);
  // The queue page the reader came from, as the crumbs and an action that ends this page lead back to.
  const back = (state: string) => backToQueue(queue, state);
  const view: View = {
    title: `${id} · ${queue}`,
    mount(root) {
      fill(root, h('p', { class: 'crumbs' }, link('/', 'Overview'), ' / ', h('a', { href: back('waiting') }, queue), ' / ', id), head, body, again?.section);
    },
    async refresh() {
      let data: TaskPageView;
      try {
        data = await getJson<TaskPageView>(path);
      } catch (error) {
        // Gone (cancelled, removed, trimmed by retention), never there, or an id no task can have (typed into
        // the find box): said in the page, with nothing to act on, not as the page failing to update.
        if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
        shown = '';
        patch(stateChip, chip(error.foundIn.length > 0 ? 'elsewhere' : 'gone'));
        patch(actions);
        // In another queue (an id from a log line, opened from the wrong queue's page): a link to it there.
        const elsewhere = error.foundIn.map((other) =>
          h('p', { 'data-testid': 'task-elsewhere' }, link(`/queues/${seg(other)}/tasks/${seg(id)}`, `Open task ${id} in queue ${other}`)),
        );
        fill(body, h('section', { class: 'card' }, h('p', { class: 'empty', 'data-testid': 'task-gone' }, error.message), ...elsewhere));
        // Hidden, not removed: a task added again under the id shows it at the next read.
        again?.hide();
        return;
      }
      // Redrawn only when something changed, and then patched: a running task's lease moves at every renewal, and
      // an opened stack trace, a folded payload, the focus and a selection stay as they were.
      const json = JSON.stringify(data);
      if (json === shown) return;
      shown = json;
      const t = data.task;
      // After an action: the next poll reports a failure to read, in the page's status line.
      const refresh = () => view.refresh().catch(() => undefined);
      again?.show(t.name, t.payload);
      patch(stateChip, chip(t.state));
      patch(
        actions,
        t.state === 'dead' ? actionButton('Retry', `${path}/retry`, refresh) : null,
        t.state === 'delayed' ? actionButton('Run now', `${path}/promote`, refresh) : null,
        ['waiting', 'delayed', 'blocked'].includes(t.state)
          ? actionButton('Cancel', `${path}/cancel`, () => (location.hash = back(t.state)), {
              danger: true,
              confirm: `Cancel task ${t.id}?${data.relations.dependentsTotal > 0 ? ' Its dependents end dead unless they run anyway.' : ''}`,
            })
          : null,
        ['completed', 'dead'].includes(t.state)
          ? actionButton('Remove', `${path}/remove`, () => (location.hash = back(t.state)), {
              danger: true,
              confirm: `Remove task ${t.id} with its result, log and history?`,
            })
          : null,
      );
      const summary = h(
        'dl',
        { class: 'facts' },
        ...field('name', t.name),
        ...field('queue', t.queue),
        ...field('attempts', `${t.attempts} of ${t.maxAttempts}`),
        ...field('priority', t.priority),
        ...field('enqueued', stamp(t.enqueuedAt)),
        ...field('due', stamp(t.runAt)),
        ...field('started', stamp(t.startedAt)),
        // Which worker runs it (as the overview's workers table names it), and until when: a lease in the past is a worker that stopped renewing.
        ...(t.lease
          ? field(
              'lease',
              h(
                'span',
                {},
                h('span', { class: 'mono' }, t.lease.workerId),
                ' until ',
                stamp(t.lease.expiresAt),
                data.leaseExpired
                  ? h('span', { class: 'expired', 'data-testid': 'lease-expired' }, ': expired, so that worker stopped renewing it; a live worker of this queue takes the task back')
                  : null,
              ),
            )
          : []),
        ...field('finished', stamp(t.finishedAt)),
        ...(t.traceId ? field('trace id', h('span', { class: 'mono' }, t.traceId)) : []),
        ...(t.progress !== undefined ? field('progress', typeof t.progress === 'number' ? `${t.progress}` : JSON.stringify(t.progress)) : []),
      );
      const relations = h(
        'dl',
        { class: 'facts' },
        ...field('depends on', idLinks(data.relations.dependencies, data.relations.dependenciesTotal, taskLink, 'dependencies')),
        ...field('dependents', idLinks(data.relations.dependents, data.relations.dependentsTotal, taskLink, 'dependents')),
        ...(data.pendingTotal > 0 ? field('still waiting for', idLinks(t.pendingDependencies ?? [], data.pendingTotal, taskLink, 'pending')) : []),
      );
      patch(
        body,
        h('div', { class: 'columns' }, h('section', { class: 'card' }, h('h2', {}, 'Task'), summary, relations), h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timeline(data))),
        h('section', { class: 'card' }, h('h2', {}, 'Payload'), h('div', { 'data-testid': 'payload' }, jsonBlock(t.payload, 'payload'))),
        t.state === 'completed' ? h('section', { class: 'card' }, h('h2', {}, 'Result'), jsonBlock(t.result, 'result')) : null,
        data.logs.length ? h('section', { class: 'card' }, h('h2', {}, 'Log'), scrollBlock('log', 'log', ...data.logs.flatMap((l, i) => [i > 0 ? '\n' : '', stamp(l.at), `  ${l.message}`]))) : null,
      );
    },
  };
  return view;
}
