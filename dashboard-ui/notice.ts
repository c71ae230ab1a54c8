import { h } from './dom.js';

// What an action did, or why it failed, at the bottom of the page. Both are
// live regions in the page from the start, only visually hidden while empty: a
// region shown or added together with its text is often not read out. A
// result is polite and fades after a few seconds; a failure is an alert and
// stays until the next action or until dismissed, to be read at leisure.

const OK_MS = 5_000;

const status = h('p', { class: 'notice notice-ok quiet', role: 'status' });
const alert = h('p', { class: 'notice-text', role: 'alert' });
const dismiss = h('button', { type: 'button', class: 'btn notice-dismiss', hidden: true, onclick: () => dismissFailure() }, 'Dismiss');
const failure = h('div', { class: 'notice notice-error quiet' }, alert, dismiss);

/** The notices' place in the page. */
export const noticeArea = h('div', { id: 'notice', class: 'notices' }, status, failure);

let okTimer = 0;
/** The control of the action that failed: the focus goes back to it when the failure is dismissed. */
let failedFrom: HTMLElement | null = null;

/** Sets a region's text as a fresh node (a screen reader reads a repeated message again) and shows or hides its box. */
function say(region: HTMLElement, box: HTMLElement, message: string): void {
  region.replaceChildren(...(message ? [document.createTextNode(message)] : []));
  box.classList.toggle('quiet', !message);
}

/** Says what an action did, or (`error`) why it failed; `from` is the control that ran it. */
export function notify(message: string, kind: 'ok' | 'error' = 'ok', from?: HTMLElement): void {
  window.clearTimeout(okTimer);
  if (kind === 'error') {
    say(status, status, '');
    say(alert, failure, message);
    dismiss.hidden = false;
    failedFrom = from ?? null;
    return;
  }
  clearFailure();
  say(status, status, message);
  okTimer = window.setTimeout(() => say(status, status, ''), OK_MS);
}

/** Clears both notices: an action is starting, and what the last one said no longer applies. */
export function clearNotices(): void {
  window.clearTimeout(okTimer);
  say(status, status, '');
  clearFailure();
}

function clearFailure(): void {
  say(alert, failure, '');
  dismiss.hidden = true;
  failedFrom = null;
}

/** Dismiss: the failure goes, and the focus goes back to the control that failed (else to the view's heading). */
function dismissFailure(): void {
  const back = failedFrom?.isConnected ? failedFrom : document.querySelector<HTMLElement>('main h1');
  const hadFocus = document.activeElement === dismiss;
  clearFailure();
  if (hadFocus) back?.focus();
}
