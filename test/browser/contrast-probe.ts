import type { Page } from 'playwright-core';

// WCAG contrast as the browser draws it: the computed colour against the
// backgrounds behind it, composited up the tree (a chip's background is a
// translucent colour-mix over the card or the page).

const PROBE = `(selector, part) => {
  const parse = (text) => {
    const srgb = /^color\\(srgb ([\\d.e-]+) ([\\d.e-]+) ([\\d.e-]+)(?: \\/ ([\\d.e-]+))?\\)$/.exec(text);
    if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
    const rgb = /^rgba?\\(([\\d.]+),? ([\\d.]+),? ([\\d.]+)(?:,? \\/? ?([\\d.]+))?\\)$/.exec(text);
    if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
    throw new Error('unparsed colour ' + text);
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backOf = (start) => {
    const layers = [];
    for (let node = start; node; node = node.parentElement) layers.push(parse(getComputedStyle(node).backgroundColor));
    let back = [255, 255, 255, 1];
    for (const layer of layers.reverse()) back = over(layer, back);
    return back;
  };
  const ratio = (colour, back) => {
    const [hi, lo] = [luminance(over(colour, back)), luminance(back)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const el = document.querySelector(selector);
  if (!el) throw new Error('nothing matches ' + selector);
  const back = backOf(el);
  // A border lies between the element's own background and its parent's: the lower of the two.
  if (part === 'border') return Math.min(ratio(parse(getComputedStyle(el).borderTopColor), back), ratio(parse(getComputedStyle(el).borderTopColor), backOf(el.parentElement)));
  return ratio(parse(getComputedStyle(el, part === 'placeholder' ? '::placeholder' : null).color), back);
}`;

/**
 * The contrast ratio of the first element matching `selector` against what is
 * behind it: of its text, its placeholder's text, or its border (against the
 * backgrounds on both sides of it).
 */
export function contrastOf(page: Page, selector: string, part: 'text' | 'placeholder' | 'border' = 'text'): Promise<number> {
  return page.evaluate<number>(`(${PROBE})(${JSON.stringify(selector)}, ${JSON.stringify(part)})`);
}
