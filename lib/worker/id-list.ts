/** How many task ids one log line names. */
const IDS_SHOWN = 20;

/** Task ids (or queue names) for a message: the first few, then how many more (a thousand is one line, not a thousand). */
export function idList(ids: readonly string[]): string {
  return ids.slice(0, IDS_SHOWN).join(', ') + (ids.length > IDS_SHOWN ? `, and ${ids.length - IDS_SHOWN} more` : '');
}
