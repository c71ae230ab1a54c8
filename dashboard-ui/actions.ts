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

/**
 * An action button: POSTs to `path`, reports the outcome, then calls `after`
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
        notify(`${label}: done`);
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
