import { HISTORY_RUNS_KEPT as ENGINE_RUNS } from '../../../lib/engine/history-runs.js';
import { HISTORY_ENTRY, HISTORY_RUNS_KEPT as SCRIPT_RUNS } from '../../../lib/redis/protocol.js';

describe('the history list layout', () => {
  it("keeps as many runs in the scripts as the in-memory engine keeps (protocol.ts is read alone when the scripts are built)", () => {
    expect(SCRIPT_RUNS).toBe(ENGINE_RUNS);
  });

  it("puts the run last, so that an entry of 0.1.0 (five fields) reads as the first run's", () => {
    expect(HISTORY_ENTRY.indexOf('run')).toBe(HISTORY_ENTRY.length - 1);
    expect(HISTORY_ENTRY.slice(0, 5)).toEqual(['attempt', 'startedAt', 'endedAt', 'retryAt', 'outcome']);
  });
});
