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
 * An action button: POSTs to `path`, reports the outcome (an action that did
 * nothing is an error reply: 404 or 409 with the reason), then calls `after`
 * (a refresh). Null in read-only mode: no action is drawn at all.
 */
export function actionButton(label: string, path: string, after: (result: unknown) => void, options: { confirm?: string; danger?: boolean; body?: () => unknown } = {}): HTMLButtonElement | null {
  if (READ_ONLY) return null;
  const button = h('button', {
    type: 'button',
    class: options.danger ? 'btn btn-danger' : 'btn',
    'data-action': label,
    onclick: async () => {
      if (options.confirm && !window.confirm(options.confirm)) return;
      button.disabled = true;
      try {
        const result = await post<unknown>(path, options.body ? options.body() : {});
        notify(`${label}: ${outcome(result)}`);
        after(result);
      } catch (error) {
        notify(`${label} failed: ${(error as Error).message}`, 'error');
      } finally {
        button.disabled = false;
      }
    },
  });
  button.textContent = label;
  return button;
}
