import { READ_ONLY, post } from './api.js';
import { h, num } from './dom.js';
import { clearNotices, notify } from './notice.js';

/** What an action's reply says it did: counts where the action reports them. */
function outcome(result: unknown): string {
  const r = (result ?? {}) as { retried?: unknown; removed?: unknown };
  if (typeof r.retried === 'number') return `${num(r.retried)} ${r.retried === 1 ? 'task' : 'tasks'} retried`;
  if (typeof r.removed === 'number') return `${num(r.removed)} ${r.removed === 1 ? 'task' : 'tasks'} removed`;
  return 'done';
}

/**
 * The actions sent and not yet answered, by path. Kept here rather than on a
 * button: a refresh may draw the button afresh while its request is out, and
 * the new one must not send it again.
 */
const pending = new Set<string>();

/** Options of an action button. */
export interface ActionOptions {
  /** Asked first; the action runs only if the reader agrees. */
  confirm?: string;
  danger?: boolean;
  /** The JSON body; throwing an Error reports its message as the action's failure and sends nothing. */
  body?: () => unknown;
  /** Why the action cannot run now: the button is drawn disabled, described by this text, which actionReason() draws. */
  disabled?: string;
  /** The action whose button takes the focus when this one's is gone once it ran: Pause's is Resume. */
  successor?: string;
}

/** The id of the text saying why an action cannot run now. */
const reasonId = (label: string) => `why-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/**
 * An action button: POSTs to `path`, reports the outcome (an action that did
 * nothing is an error reply: 404 or 409 with the reason), then calls and
 * awaits `after` (a refresh, or a route change). Null in read-only mode: no
 * action is drawn at all.
 *
 * Disabled while its request is out, however often the page is redrawn
 * meanwhile, and while `options.disabled` says why: disabled with
 * aria-disabled, not the disabled property, so that the button keeps the
 * keyboard focus (a focused button that becomes disabled loses it to the page's
 * body) and a screen reader still finds it and hears why.
 */
export function actionButton(label: string, path: string, after: (result: unknown) => unknown, options: ActionOptions = {}): HTMLButtonElement | null {
  if (READ_ONLY) return null;
  const blocked = options.disabled !== undefined;
  const busy = pending.has(path);
  const button = h('button', {
    type: 'button',
    class: options.danger ? 'btn btn-danger' : 'btn',
    'data-action': label,
    'aria-disabled': busy || blocked ? 'true' : undefined,
    'aria-busy': busy ? 'true' : undefined,
    'aria-describedby': blocked ? reasonId(label) : undefined,
    onclick: async (event: Event) => {
      const from = event.currentTarget as HTMLButtonElement;
      if (pending.has(path) || blocked) return;
      if (options.confirm && !window.confirm(options.confirm)) return;
      clearNotices();
      const failed = (error: Error) => notify(`${label} failed: ${error.message}`, 'error', from);
      let body: unknown;
      try {
        body = options.body ? options.body() : {};
      } catch (error) {
        failed(error as Error);
        return;
      }
      pending.add(path);
      setBusy(path, true);
      try {
        const result = await post<unknown>(path, body);
        notify(`${label}: ${outcome(result)}`);
        await after(result);
      } catch (error) {
        failed(error as Error);
      } finally {
        pending.delete(path);
        setBusy(path, false);
      }
      handFocusOn(from, options.successor);
    },
  });
  drawn.set(button, path);
  button.textContent = label;
  return button;
}

/** The visible text saying why an action cannot run now (its button's description); null when it can, or in read-only mode. */
export function actionReason(label: string, options: ActionOptions): HTMLElement | null {
  if (READ_ONLY || options.disabled === undefined) return null;
  return h('span', { id: reasonId(label), class: 'action-reason' }, options.disabled);
}

/**
 * After an action whose redraw removed its focused button (Pause, once the
 * queue is paused; Retry, once the task is no longer dead): the focus goes on
 * to its successor's button (Resume), else to the view's heading, not to the
 * page's body. A focus the reader moved elsewhere meanwhile stays there.
 */
function handFocusOn(button: HTMLElement, successor: string | undefined): void {
  if (button.isConnected) return;
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const next = successor ? document.querySelector<HTMLElement>(`button[data-action="${successor}"]`) : null;
  (next ?? document.querySelector<HTMLElement>('main h1'))?.focus();
}

/** Each action button's path, to find every button of an action however many times it was drawn. */
const drawn = new WeakMap<HTMLButtonElement, string>();

function setBusy(path: string, busy: boolean): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    if (drawn.get(button) !== path) continue;
    // Described by a reason exactly when disabled for one: read from the button as the last refresh patched it.
    if (busy || button.hasAttribute('aria-describedby')) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
    if (busy) button.setAttribute('aria-busy', 'true');
    else button.removeAttribute('aria-busy');
  }
}
