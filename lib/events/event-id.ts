import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

const EVENT_ID = /^\d{1,16}(-\d{1,16})?$/;

/** Throws unless `value` is a stream entry id (`<ms>-<seq>`, or `<ms>`), as TaskEvent.eventId gives. */
export function checkEventId(value: string, where: string): string {
  if (!EVENT_ID.test(value)) {
    throw new InvalidTaskOptionsError(`${where}: from must be an event id like '1700000000000-0' (a TaskEvent's eventId, or '0' for all the stream holds), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Orders two stream entry ids (`<ms>-<seq>`; a bare `<ms>` means seq 0, as
 * Redis reads it): negative when `a` comes first, 0 when equal, positive after.
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
