import type { Context } from '@opentelemetry/api';
import { decodeCarrierText, encodeCarrierText } from '../engine/trace-carrier-text.js';
import type { OtelApiModule } from './otel-api.js';

// A trace context as it travels with a task: the carrier of the app's
// propagator (W3C trace context with the usual SDK setup), stored as
// trace-carrier-text.ts writes it. Should the app have registered no
// propagator, the W3C `traceparent` is written and read here, so a task still
// continues its trace.

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The stored carrier of `ctx`'s span, or undefined when it has no valid span context. */
export function injectCarrier(api: OtelApiModule, ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  api.propagation.inject(ctx, carrier);
  if (carrier.traceparent === undefined) {
    const span = api.trace.getSpanContext(ctx);
    if (!span || !api.isSpanContextValid(span)) return Object.keys(carrier).length > 0 ? encodeCarrierText(carrier) : undefined;
    carrier.traceparent = `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`;
  }
  return encodeCarrierText(carrier);
}

/** The context a stored carrier describes (on the root context); the root context when it cannot be read. */
export function extractCarrier(api: OtelApiModule, text: string): Context {
  const carrier = decodeCarrierText(text);
  if (carrier === null) return api.ROOT_CONTEXT;
  const ctx = api.propagation.extract(api.ROOT_CONTEXT, carrier);
  if (api.trace.getSpanContext(ctx) !== undefined) return ctx;
  const match = TRACEPARENT.exec(carrier.traceparent ?? '');
  if (!match) return ctx;
  return api.trace.setSpanContext(ctx, { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true });
}
