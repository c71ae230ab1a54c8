import { append, listenersOf, setListeners, type Child } from './dom.js';

// Redrawing without replacing. Each refresh builds a part of the page afresh
// from the data it read; patch() then changes the page's own nodes only where
// the fresh ones differ, keeping every node that is still right. A node kept
// keeps the keyboard focus, a text selection, an opened <details> and a hover,
// so a poll every two seconds leaves the reader where they were; data that did
// not change changes nothing at all.

/** Attributes that tell two elements apart as different things (a row per task, a tab per state, a button per action), not one thing changed. */
const KEYS = ['data-id', 'data-queue', 'data-state', 'data-action', 'data-page', 'data-order'];

/** Makes `el`'s children the ones given, reusing in place each node of the same kind (and key). */
export function patch(el: Element, ...children: Child[]): void {
  const fresh = document.createDocumentFragment();
  append(fresh, children);
  patchChildren(el, fresh);
}

function sameKind(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (!(a instanceof Element) || !(b instanceof Element)) return true;
  return KEYS.every((key) => a.getAttribute(key) === b.getAttribute(key));
}

function patchChildren(target: Node, fresh: Node): void {
  let at = target.firstChild;
  for (const next of [...fresh.childNodes]) {
    let match = at;
    while (match && !sameKind(match, next)) match = match.nextSibling;
    if (!match) {
      target.insertBefore(next, at);
      continue;
    }
    // The nodes skipped to reach the match are gone from the fresh part (rows that left the page, say).
    while (at && at !== match) {
      const stale = at;
      at = at.nextSibling;
      stale.remove();
    }
    patchNode(match, next);
    at = match.nextSibling;
  }
  while (at) {
    const stale = at;
    at = at.nextSibling;
    stale.remove();
  }
}

function patchNode(node: Node, next: Node): void {
  if (!(node instanceof Element) || !(next instanceof Element)) {
    if (node.nodeValue !== next.nodeValue) node.nodeValue = next.nodeValue;
    return;
  }
  for (const { name } of [...node.attributes]) {
    // Whether a <details> is open is the reader's choice, not the data's.
    if (!next.hasAttribute(name) && !(name === 'open' && node.nodeName === 'DETAILS')) node.removeAttribute(name);
  }
  for (const { name, value } of [...next.attributes]) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }
  // The fresh element's listeners close over the fresh data (a confirmation's count, say).
  if (listenersOf(node).size > 0 || listenersOf(next).size > 0) setListeners(node, listenersOf(next));
  patchChildren(node, next);
}
