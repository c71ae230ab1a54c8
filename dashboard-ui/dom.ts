// Building the page: every text goes in through textContent (never innerHTML),
// so a payload, an error or a task name holding markup is shown as text.

/** What h() and append() take as children: nodes, or strings and numbers as text; nothing for the falsy ones. */
export type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** The listeners h() added to an element, by event type: patch() moves a fresh element's onto the one it keeps. */
const listeners = new WeakMap<Element, Map<string, (event: Event) => void>>();

/** The listeners h() gave `el` (empty for an element it did not build). */
export function listenersOf(el: Element): ReadonlyMap<string, (event: Event) => void> {
  return listeners.get(el) ?? new Map();
}

/** Replaces `el`'s h() listeners with `next`. */
export function setListeners(el: Element, next: ReadonlyMap<string, (event: Event) => void>): void {
  for (const [type, listener] of listenersOf(el)) el.removeEventListener(type, listener);
  for (const [type, listener] of next) el.addEventListener(type, listener);
  listeners.set(el, new Map(next));
}

/** An element with attributes (`on*` functions become listeners) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const own = new Map<string, (event: Event) => void>();
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') own.set(name.slice(2), value);
    else if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  if (own.size > 0) setListeners(el, own);
  append(el, children);
  return el;
}

/** Appends children; strings and numbers as text. */
export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children (for a frame drawn once; a refresh uses patch()). */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A state chip: colour by state. */
export function chip(state: string): HTMLElement {
  return h('span', { class: `chip chip-${state}` }, state);
}

/** 1234567 -> "1,234,567". */
export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count, short: 950 -> "950", 1400 -> "1.4k", 2500000 -> "2.5M" (a chart's axis has room for a few characters). */
export function compact(n: number): string {
  if (n < 1_000) return String(n);
  // 999,600 reads "1M", not "1000k".
  const [value, unit] = n < 999_500 ? [n / 1_000, 'k'] : [n / 1_000_000, 'M'];
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)}${unit}`;
}

/** A link to a route of the page. */
export function link(route: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href: `#${route}` }, ...children);
}

/** Text longer than this is folded behind a summary until opened. */
const FOLD_AT = 2_000;

/** `shown` as it is, or folded behind a summary saying how long `text` (what it shows) is, and "show" or "hide" as it is closed or open. */
export function foldable(shown: HTMLElement, text: string, label: string): HTMLElement {
  if (text.length <= FOLD_AT) return shown;
  // Both words are drawn and the stylesheet hides the one that does not apply: a refresh patching the summary leaves it right.
  const verb = h('span', {}, h('span', { class: 'fold-show' }, 'show'), h('span', { class: 'fold-hide' }, 'hide'));
  return h('details', { class: 'collapsed' }, h('summary', {}, `${label}: ${num(text.length)} characters (`, verb, ')'), shown);
}

/** A block of preformatted text that may scroll: focusable, so a keyboard scrolls it too, and named for a screen reader. */
export function scrollBlock(className: string, name: string, ...children: Child[]): HTMLPreElement {
  return h('pre', { class: className, tabindex: 0, role: 'region', 'aria-label': name }, ...children);
}

/** Pretty JSON of a value, collapsed behind a summary when long. */
export function jsonBlock(value: unknown, label: string): HTMLElement {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2) ?? String(value);
  return foldable(scrollBlock('json', label, text), text, label);
}

/** Text for screen readers only: said, not shown. */
export function unseen(text: string): HTMLElement {
  return h('span', { class: 'visually-hidden' }, text);
}
