/** Up to ten names, comma-separated, then how many there are in all: for messages that list what exists. */
export function shortList(names: readonly string[]): string {
  return names.slice(0, 10).join(', ') + (names.length > 10 ? `, ... (${names.length} in all)` : '');
}

/** "'a'", "'a' and 'b'", "'a', 'b' and 'c'". */
export function quotedList(names: readonly string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
