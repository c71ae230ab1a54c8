// Where the keyboard focus goes when the page draws a new view. A route change
// replaces the whole view, and with it the focused control: left alone, the
// focus would fall to the page's body and a screen reader would say nothing.

/** A control to focus in the view that the next route change draws: the one the reader pressed, drawn again there. */
let kept: { href: string; selector: string } | null = null;

/**
 * Asks the view that `hash` leads to for the focus on its control matching
 * `selector` (the pager button or the filter the reader pressed) rather than
 * on its heading. Forgotten by any other route change, so a link that leads
 * nowhere new (the current order, a filter left as it was) leaves no stale wish.
 */
export function keepFocusOn(selector: string, hash: string): void {
  kept = { href: new URL(hash, location.href).href, selector };
}

/**
 * After a route change: the focus goes to the control asked for by
 * keepFocusOn(), else to the new view's heading (tabindex -1), which a screen
 * reader then reads. Returns the kept control, if any.
 */
export function focusNewView(root: HTMLElement): HTMLElement | null {
  const wanted = kept?.href === location.href ? root.querySelector<HTMLElement>(kept.selector) : null;
  kept = null;
  (wanted ?? root.querySelector<HTMLElement>('h1'))?.focus();
  return wanted;
}
