import { heartbeatLate } from '../../../lib/engine/heartbeat-late.js';

describe('heartbeatLate', () => {
  const seenAt = 1_000_000;

  it('is false within two beats and the slack, true past them', () => {
    const worker = { lastSeenAt: seenAt, heartbeatEveryMs: 5_000 };
    expect(heartbeatLate(worker, seenAt + 5_000)).toBe(false);
    expect(heartbeatLate(worker, seenAt + 10_500)).toBe(false);
    expect(heartbeatLate(worker, seenAt + 10_501)).toBe(true);
  });

  it('is never true of a heartbeat that does not say how often it beats (a version before 0.2)', () => {
    expect(heartbeatLate({ lastSeenAt: seenAt }, seenAt + 3_600_000)).toBe(false);
  });
});
