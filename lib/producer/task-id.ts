import { randomBytes } from 'node:crypto';

/**
 * Ids for tasks enqueued without one: a random part unique to this process and
 * a counter, e.g. 'k7f2m9xq3a-1c'. Generated before the enqueue leaves the
 * process, so a call re-sent after a dropped connection carries the same ids
 * and Redis adds nothing twice.
 */
export function createTaskIdGenerator(): () => string {
  const processPart = BigInt(`0x${randomBytes(7).toString('hex')}`).toString(36);
  let counter = 0;
  return () => `${processPart}-${(counter++).toString(36)}`;
}
