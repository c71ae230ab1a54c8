// The trace id a stored trace context (the propagator's carrier as JSON)
// names, for TaskInfo.traceId: the W3C `traceparent` is
// `<version>-<trace id>-<span id>-<flags>`. Both engines read it the same way.

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a carrier JSON, or undefined when it has no readable `traceparent`. */
export function traceIdOf(carrierJson: string | null | undefined): string | undefined {
  if (!carrierJson) return undefined;
  try {
    const carrier = JSON.parse(carrierJson) as { traceparent?: unknown };
    const match = typeof carrier.traceparent === 'string' ? TRACEPARENT.exec(carrier.traceparent) : null;
    return match ? match[1] : undefined;
  } catch {
    return undefined;
  }
}
