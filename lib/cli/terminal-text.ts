/**
 * Control characters (C0 but newline and tab, DEL, C1) and the bidirectional
 * overrides, each written as its \u escape. Task errors, log lines and
 * payloads hold text from anywhere: printed raw, an escape sequence could clear
 * the screen, set the window title or redraw lines, and an override could make
 * text read as something it is not.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` as safe to write to a terminal: every unsafe character visible as `\uXXXX`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
