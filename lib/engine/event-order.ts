/**
 * Orders two event ids (`<ms>-<seq>`; a bare `<ms>` means seq 0, as Redis
 * reads a stream id): negative when `a` comes first, 0 when equal, positive
 * after. Every engine numbers its events this way, so readers can compare
 * positions without knowing the store.
 */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs !== bMs ? Math.sign(aMs - bMs) : Math.sign(aSeq - bSeq);
}

function parts(id: string): [number, number] {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}
