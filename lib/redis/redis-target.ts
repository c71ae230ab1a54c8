const WORD_CHAR = /[A-Za-z0-9]/;

/**
 * `text` with every secret replaced by '***', except where an occurrence is
 * only part of a longer word (a user named "user" inside "username") or of
 * where Redis is (`target`, which messages show anyway: a password "127" inside
 * "127.0.0.1"). Masking those garbled messages, and a masked copy beside the
 * plain target told the password away.
 */
export function scrub(text: string, secrets: readonly string[], target = ''): string {
  let out = text;
  // Longest first, so a password that contains another secret is not left half shown.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === '') continue;
    const shown = publicSpans(out, target);
    let result = '';
    let from = 0;
    for (let at = out.indexOf(secret); at !== -1; at = out.indexOf(secret, at + secret.length)) {
      if (insideWord(out, at, secret) || shown.some(([start, end]) => at < end && at + secret.length > start)) continue;
      result += `${out.slice(from, at)}***`;
      from = at + secret.length;
    }
    out = result + out.slice(from);
  }
  return out;
}

/** Whether the occurrence of `secret` at `at` continues a word on either side: a letter or digit of the secret's edge next to another. */
function insideWord(text: string, at: number, secret: string): boolean {
  const before = text[at - 1] ?? '';
  const after = text[at + secret.length] ?? '';
  return (WORD_CHAR.test(secret[0]) && WORD_CHAR.test(before)) || (WORD_CHAR.test(secret[secret.length - 1]) && WORD_CHAR.test(after));
}

/** Where `text` names a host or host:port of `target`, as [start, end) spans. */
function publicSpans(text: string, target: string): Array<[number, number]> {
  const names = new Set<string>();
  for (const [address, host] of target.matchAll(/([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(\d+)/g)) {
    names.add(address);
    names.add(host.replace(/^\[(.*)\]$/, '$1'));
  }
  const spans: Array<[number, number]> = [];
  for (const name of names) {
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) spans.push([at, at + name.length]);
  }
  return spans;
}
