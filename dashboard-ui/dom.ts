// Building the page: every text goes in through textContent (never innerHTML),
// so a payload, an error or a task name holding markup is shown as text.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes (`on*` functions become listeners) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
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

/** Replaces an element's children. */
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

/** An epoch-ms time as local "HH:MM:SS" (with the date when not today). */
export function time(ms: number | null | undefined): string {
  if (!ms) return '—';
  const d = new Date(ms);
  const clock = d.toLocaleTimeString('en-GB', { hour12: false });
  return d.toDateString() === new Date().toDateString() ? clock : `${d.toISOString().slice(0, 10)} ${clock}`;
}

/** A duration in ms, short: "850 ms", "12.3 s", "4 min", "2 h". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A link to a route of the page. */
export function link(route: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href: `#${route}` }, ...children);
}

/** Pretty JSON of a value, collapsed behind a summary when long. */
export function jsonBlock(value: unknown, label: string): HTMLElement {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2) ?? String(value);
  const pre = h('pre', { class: 'json' }, text);
  if (text.length <= 2_000) return pre;
  return h('details', { class: 'collapsed' }, h('summary', {}, `${label}: ${num(text.length)} characters (show)`), pre);
}
