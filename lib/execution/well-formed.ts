/**
 * `text` with each lone surrogate replaced by U+FFFD, as Redis stores it
 * (UTF-8 has no form for one): what the test mode keeps must match what Redis
 * reads back, and Lua's cjson refuses the `\udc00` escape JSON.stringify
 * writes for one. String.prototype.toWellFormed (Node 20).
 */
export function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
