import { traceIdOf } from '../../../lib/engine/trace-id.js';

describe('traceIdOf', () => {
  it("reads the trace id of a carrier's traceparent, and nothing from anything else", () => {
    expect(traceIdOf('{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const carrier of [null, undefined, '', 'not json', '{', '[]', '{}', '{"traceparent":42}', '{"traceparent":"00-short-00f067aa0ba902b7-01"}']) {
      expect(traceIdOf(carrier)).toBeUndefined();
    }
  });
});
