import { decodeCarrierText, encodeCarrierText } from '../../../lib/engine/trace-carrier-text.js';

// A lone traceparent is stored bare (under 64 bytes, so the task's record stays
// a listpack in Redis); a carrier with more is stored as JSON; both read back.

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace carrier text', () => {
  it('stores a lone traceparent bare, in under 64 bytes, and reads it back', () => {
    const text = encodeCarrierText({ traceparent: TRACEPARENT });
    expect(text).toBe(TRACEPARENT);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64);
    expect(decodeCarrierText(text)).toEqual({ traceparent: TRACEPARENT });
  });

  it('stores a carrier with more than a traceparent as JSON, and reads it back', () => {
    const carriers: Array<Record<string, string>> = [{ traceparent: TRACEPARENT, tracestate: 'vendor=1' }, { 'x-trace': 'custom' }, {}];
    for (const carrier of carriers) {
      const text = encodeCarrierText(carrier);
      expect(JSON.parse(text)).toEqual(carrier);
      expect(decodeCarrierText(text)).toEqual(carrier);
    }
  });

  it('reads JSON written by earlier versions, and nothing from broken JSON', () => {
    expect(decodeCarrierText(JSON.stringify({ traceparent: TRACEPARENT }))).toEqual({ traceparent: TRACEPARENT });
    expect(decodeCarrierText('{')).toBeNull();
    expect(decodeCarrierText('{"traceparent":')).toBeNull();
  });
});
