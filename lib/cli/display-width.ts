/**
 * How many terminal columns text takes, so tables stay aligned with CJK
 * names and emoji: a string's length counts UTF-16 units, which is two for
 * an emoji that prints two columns wide, and one for a CJK character that
 * also prints two. Counted per grapheme (what a terminal prints as one
 * character): combining marks add nothing, wide and emoji graphemes two.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Marks and zero-width characters: printed on or between others, no column of their own. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200B-\u200F\u2060\uFEFF]+$/u;

/** Emoji that print as pictures: by default, by the emoji variation selector, or as a flag. */
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}/u;

/**
 * East Asian Wide and Fullwidth characters (Unicode's EastAsianWidth W and F,
 * by block: Hangul Jamo, CJK symbols to Yi, Hangul syllables, CJK
 * compatibility, vertical and fullwidth forms, and the supplementary ideographs).
 */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  return EMOJI.test(grapheme) || WIDE.test(grapheme) ? 2 : 1;
}

/** Plain ASCII, the usual case, is one column a unit: no segmenting needed. */
const NARROW = /^[\x20-\x7E]*$/;

/** The columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** `text` padded with spaces to `width` columns, on the right (or on the left for `start`). */
export function padToWidth(text: string, width: number, start = false): string {
  const room = width - displayWidth(text);
  if (room <= 0) return text;
  return start ? ' '.repeat(room) + text : text + ' '.repeat(room);
}

/**
 * The longest start of `text` of at most `max` columns, whole graphemes only
 * (half an emoji or a letter without its accent prints as garbage).
 */
export function cutToWidth(text: string, max: number): string {
  if (NARROW.test(text)) return text.slice(0, max);
  let width = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    width += graphemeWidth(segment);
    if (width > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
