/** How many broken entries' ids one log line names. */
const IDS_SHOWN = 20;

/**
 * The one warning line for a fetch that met unreadable entries (record or
 * payload missing, evicted or hand-edited), naming the first few: a backlog
 * of a thousand is one line, not a thousand.
 */
export function brokenEntriesLine(queue: string, ids: readonly string[]): string {
  const shown = ids.slice(0, IDS_SHOWN).join(', ') + (ids.length > IDS_SHOWN ? `, and ${ids.length - IDS_SHOWN} more` : '');
  return (
    `queue '${queue}': ${ids.length} queued entr${ids.length === 1 ? 'y' : 'ies'} had no usable record or payload (missing, evicted or ` +
    `hand-edited), not run: moved to dead where a record exists, removed otherwise: ${shown}`
  );
}
