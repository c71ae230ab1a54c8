import { idList } from './id-list.js';

/**
 * The one warning line for a fetch that met unreadable entries (record or
 * payload missing, evicted or hand-edited), naming the first few: a backlog
 * of a thousand is one line, not a thousand.
 */
export function brokenEntriesLine(queue: string, ids: readonly string[]): string {
  return (
    `queue '${queue}': ${ids.length} queued entr${ids.length === 1 ? 'y' : 'ies'} had no usable record or payload (missing, evicted or ` +
    `hand-edited), not run: moved to dead where a record exists, removed otherwise: ${idList(ids)}`
  );
}
