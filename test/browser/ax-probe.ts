import type { Page } from 'playwright-core';
import { waitUntil } from '../utils/wait.js';

// What Chromium's accessibility tree holds, read through the DevTools
// protocol: what a screen reader is given, which the DOM alone does not say
// (an element hidden with display: none is in the DOM and not in the tree).

/** The role of the first element matching `selector` in the accessibility tree; null when it is left out of it (hidden, or ignored). */
export async function axRole(page: Page, selector: string): Promise<string | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`nothing matches ${selector}`);
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes[0];
    return !node || node.ignored ? null : String(node.role?.value ?? '');
  } finally {
    await cdp.detach();
  }
}

/** The focused element, as a short description: its tag and the attributes the specs tell controls apart by. */
export function focused(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const keys = ['data-action', 'data-page', 'name', 'data-filter', 'data-order'].filter((k) => el.hasAttribute(k)).map((k) => '[' + k + '="' + el.getAttribute(k) + '"]');
    return el.tagName.toLowerCase() + keys.join('') + (el.tagName === 'H1' ? ' ' + el.textContent : '');
  })()`);
}

/** Waits (briefly) for the focus to be on `expected` (as focused() describes it), then asserts it, so a failure shows where it is. */
export async function focusOn(page: Page, expected: string): Promise<void> {
  await waitUntil(async () => (await focused(page)) === expected, `the focus on ${expected}`, 3_000).catch(() => undefined);
  expect(await focused(page)).toBe(expected);
}
