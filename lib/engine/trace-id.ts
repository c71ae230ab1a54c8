import { decodeCarrierText } from './trace-carrier-text.js';

// The trace id a stored trace context (see trace-carrier-text.ts) names, for
// TaskInfo.traceId: the W3C `traceparent` is `<version>-<trace id>-<span
// id>-<flags>`. Both engines read it the same way.

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a stored carrier, or undefined when it has no readable `traceparent`. */
export function traceIdOf(carrierText: string | null | undefined): string | undefined {
  if (!carrierText) return undefined;
  const traceparent = decodeCarrierText(carrierText)?.traceparent;
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  return match ? match[1] : undefined;
}
