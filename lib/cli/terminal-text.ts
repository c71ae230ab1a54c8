/**
 * Control characters (C0 but newline and tab, DEL, C1), the bidirectional
 * overrides, isolates and marks, and the invisible characters that hide text
 * (zero-width space, word joiner, byte order mark) or break a line where no
 * newline shows (U+2028, U+2029), each written as its \u escape. Task errors,
 * log lines and payloads hold text from anywhere: printed raw, an escape
 * sequence could clear the screen, set the window title or redraw lines, and
 * the others could make text read as something it is not, or two different
 * names look the same. The zero-width joiners (U+200C, U+200D) stay: emoji and
 * several scripts need them.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** `text` as safe to write to a terminal: every unsafe character visible as `\uXXXX`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
