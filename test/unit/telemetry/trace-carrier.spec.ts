import * as api from '@opentelemetry/api';
import { extractCarrier, injectCarrier } from '../../../lib/telemetry/trace-carrier.js';

// The trace context a task carries: the app's propagator's carrier (a lone
// traceparent bare, anything more as JSON), or, with no propagator registered,
// a W3C traceparent written and read here.

const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: api.TraceFlags.SAMPLED };

describe('trace carrier', () => {
  afterEach(() => api.propagation.disable());

  it('writes and reads a W3C traceparent, stored bare, when no propagator is registered', () => {
    const text = injectCarrier(api, api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext))!;
    expect(text).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(api.trace.getSpanContext(extractCarrier(api, text))).toEqual({ ...spanContext, isRemote: true });
  });

  it('reads a carrier stored as JSON by an earlier version', () => {
    const json = '{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}';
    expect(api.trace.getSpanContext(extractCarrier(api, json))).toEqual({ ...spanContext, isRemote: true });
  });

  it('stores nothing for a context without a span, and reads a broken carrier as the root context', () => {
    expect(injectCarrier(api, api.ROOT_CONTEXT)).toBeUndefined();
    expect(api.trace.getSpanContext(extractCarrier(api, 'not json'))).toBeUndefined();
    expect(api.trace.getSpanContext(extractCarrier(api, '{"traceparent":"garbage"}'))).toBeUndefined();
  });

  it("uses the app's propagator when one is registered", () => {
    api.propagation.setGlobalPropagator({
      inject: (_ctx, carrier, setter) => setter.set(carrier, 'x-trace', 'custom'),
      extract: (ctx) => api.trace.setSpanContext(ctx, spanContext),
      fields: () => ['x-trace'],
    });
    const json = injectCarrier(api, api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext))!;
    expect(JSON.parse(json)).toEqual({ 'x-trace': 'custom', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(api.trace.getSpanContext(extractCarrier(api, json))?.spanId).toBe(spanContext.spanId);
  });
});
