import { brokenEntriesLine } from '../../../lib/worker/broken-entries-line.js';
import { NoHandlerWarnings } from '../../../lib/worker/no-handler-warnings.js';

describe('NoHandlerWarnings', () => {
  it('warns once per task name per minute, then says how many it left out', () => {
    const lines: string[] = [];
    const warnings = new NoHandlerWarnings('q', { warn: (line: string) => lines.push(line) });
    warnings.warn('a', 't1', 0);
    warnings.warn('a', 't2', 1_000);
    warnings.warn('a', 't3', 2_000);
    warnings.warn('b', 't4', 3_000);
    warnings.warn('a', 't5', 61_000);
    expect(lines).toEqual([
      "queue 'q': task t1 is dead: no handler for a; no live worker of the queue advertises a handler for it",
      "queue 'q': task t4 is dead: no handler for b; no live worker of the queue advertises a handler for it",
      "queue 'q': task t5 is dead: no handler for a (and 2 more since the last warning); no live worker of the queue advertises a handler for it",
    ]);
  });
});

describe('brokenEntriesLine', () => {
  it('names up to twenty entries and counts the rest', () => {
    expect(brokenEntriesLine('q', ['x'])).toMatch(/^queue 'q': 1 queued entry had no usable record or payload .*: x$/);
    const line = brokenEntriesLine('q', Array.from({ length: 25 }, (_, i) => `id${i}`));
    expect(line).toMatch(/25 queued entries/);
    expect(line).toMatch(/id19, and 5 more$/);
    expect(line).not.toContain('id20');
  });
});
