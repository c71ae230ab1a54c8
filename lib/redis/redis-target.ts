/** `text` with every secret replaced by '***'. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a password that contains another secret is not left half shown.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}
