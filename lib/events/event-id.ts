import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

// `<ms>`, `<ms>-<seq>`, or `<ms>-<seq>/<k>` for an event within a grouped entry.
const EVENT_ID = /^\d{1,16}(-\d{1,16}(\/\d{1,6})?)?$/;

/** Throws unless `value` is an event id as TaskEvent.eventId gives (`<ms>-<seq>`, `<ms>-<seq>/<k>`), or `<ms>`. */
export function checkEventId(value: string, where: string): string {
  // A number would pass the pattern as its text, then match no stream entry as one.
  if (typeof value !== 'string' || !EVENT_ID.test(value)) {
    throw new InvalidTaskOptionsError(`${where}: from must be an event id like '1700000000000-0' (a TaskEvent's eventId, or '0' for all the stream holds), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Event ids are ordered by the engine's rule (re-exported for the followers here). */
export { compareEventIds } from '../engine/event-order.js';
