/** Separates an entry id from the index of an event within a grouped entry: `<ms>-<seq>/<k>`. */
export const SUB_EVENT_SEPARATOR = '/';

/**
 * Orders two event ids (`<ms>-<seq>`; a bare `<ms>` means seq 0, as Redis
 * reads a stream id): negative when `a` comes first, 0 when equal, positive
 * after. An entry that groups several events gives each but the last the id
 * `<ms>-<seq>/<k>`, which comes after the entries before it and before the
 * plain `<ms>-<seq>` of its last event. Every engine numbers its events this
 * way, so readers can compare positions without knowing the store.
 */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq, aSub] = parts(a);
  const [bMs, bSeq, bSub] = parts(b);
  if (aMs !== bMs) return Math.sign(aMs - bMs);
  if (aSeq !== bSeq) return Math.sign(aSeq - bSeq);
  return aSub === bSub ? 0 : aSub < bSub ? -1 : 1;
}

/** [ms, seq, index within a grouped entry (Infinity: the entry's last event, or an entry of one)]. */
function parts(id: string): [number, number, number] {
  const slash = id.indexOf(SUB_EVENT_SEPARATOR);
  const sub = slash < 0 ? Infinity : Number(id.slice(slash + 1));
  const entry = slash < 0 ? id : id.slice(0, slash);
  const dash = entry.indexOf('-');
  return dash < 0 ? [Number(entry), 0, sub] : [Number(entry.slice(0, dash)), Number(entry.slice(dash + 1)), sub];
}
