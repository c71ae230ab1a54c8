import { READ_ONLY, post } from './api.js';
import { h } from './dom.js';

/** Shows a short message at the top of the page (an action's result or error). */
export function notify(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const bar = document.getElementById('notice');
  if (!bar) return;
  bar.textContent = message;
  bar.className = `notice notice-${kind}`;
  window.setTimeout(() => {
    if (bar.textContent === message) bar.className = 'notice hidden';
  }, 5_000);
}

/** What an action's reply says it did: counts where the action reports them. */
function outcome(result: unknown): string {
  const r = (result ?? {}) as { retried?: unknown; removed?: unknown };
  if (typeof r.retried === 'number') return `${r.retried} ${r.retried === 1 ? 'task' : 'tasks'} retried`;
  if (typeof r.removed === 'number') return `${r.removed} ${r.removed === 1 ? 'task' : 'tasks'} removed`;
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
  /** Why the action cannot run now: the button is drawn disabled, with this as its tooltip. */
  disabled?: string;
}

/**
 * An action button: POSTs to `path`, reports the outcome (an action that did
 * nothing is an error reply: 404 or 409 with the reason), then calls `after`
 * (a refresh). Disabled while its request is out, however often the page is
 * redrawn meanwhile. Null in read-only mode: no action is drawn at all.
 */
export function actionButton(label: string, path: string, after: (result: unknown) => void, options: ActionOptions = {}): HTMLButtonElement | null {
  if (READ_ONLY) return null;
  const busy = pending.has(path);
  const button = h('button', {
    type: 'button',
    class: options.danger ? 'btn btn-danger' : 'btn',
    'data-action': label,
    disabled: busy || options.disabled !== undefined,
    'aria-busy': busy ? 'true' : undefined,
    title: options.disabled,
    onclick: async () => {
      if (pending.has(path) || options.disabled !== undefined) return;
      if (options.confirm && !window.confirm(options.confirm)) return;
      let body: unknown;
      try {
        body = options.body ? options.body() : {};
      } catch (error) {
        notify(`${label} failed: ${(error as Error).message}`, 'error');
        return;
      }
      pending.add(path);
      setBusy(path, true);
      try {
        const result = await post<unknown>(path, body);
        notify(`${label}: ${outcome(result)}`);
        after(result);
      } catch (error) {
        notify(`${label} failed: ${(error as Error).message}`, 'error');
      } finally {
        pending.delete(path);
        setBusy(path, false);
      }
    },
  });
  drawn.set(button, { path, blocked: options.disabled !== undefined });
  button.textContent = label;
  return button;
}

/** Each action button's path (and whether it is disabled for a reason of its own), to find every button of an action however many times it was drawn. */
const drawn = new WeakMap<HTMLButtonElement, { path: string; blocked: boolean }>();

function setBusy(path: string, busy: boolean): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    const of = drawn.get(button);
    if (of?.path !== path) continue;
    button.disabled = busy || of.blocked;
    if (busy) button.setAttribute('aria-busy', 'true');
    else button.removeAttribute('aria-busy');
  }
}
