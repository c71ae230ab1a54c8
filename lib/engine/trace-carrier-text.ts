// How a trace context is stored with a task: the propagator's carrier. The
// usual W3C carrier holds only `traceparent` (55 characters), which is stored
// bare; a carrier with more (a `tracestate`, another propagator's fields) is
// stored as JSON. The bare form keeps the task's record in Redis's compact
// listpack encoding, which no field over 64 bytes allows (the JSON of a lone
// traceparent is 73). Both engines read both forms, and records written as
// JSON by earlier versions.

/** The stored text of a carrier. */
export function encodeCarrierText(carrier: Readonly<Record<string, string>>): string {
  const keys = Object.keys(carrier);
  return keys.length === 1 && keys[0] === 'traceparent' && !carrier.traceparent.startsWith('{') ? carrier.traceparent : JSON.stringify(carrier);
}

/** The carrier a stored text holds, or null when it cannot be read. */
export function decodeCarrierText(text: string): Record<string, string> | null {
  if (!text.startsWith('{')) return { traceparent: text };
  try {
    const carrier: unknown = JSON.parse(text);
    if (carrier === null || typeof carrier !== 'object' || Array.isArray(carrier)) return null;
    return carrier as Record<string, string>;
  } catch {
    return null;
  }
}
