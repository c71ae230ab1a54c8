import type { AttemptOutcome } from '../../../lib/engine/attempt.js';
import { OUTCOME, SCRIPTS } from '../../../lib/redis/protocol.js';
import { appendSettleRows, SETTLE_ROW_ORDER } from '../../../lib/redis/script-args.js';

/** A settle row read back by the field names of the protocol's layout. */
function rowsByName(args: ReadonlyArray<string | number>): Array<Record<string, string | number>> {
  const fields = SCRIPTS.settle.row;
  const rows: Array<Record<string, string | number>> = [];
  for (let at = 0; at < args.length; at += fields.length) {
    rows.push(Object.fromEntries(fields.map((field, i) => [field, args[at + i]])));
  }
  return rows;
}

describe('appendSettleRows', () => {
  it('writes rows in the order of the protocol schema', () => {
    expect([...SETTLE_ROW_ORDER]).toEqual([...SCRIPTS.settle.row]);
  });

  it('lays out every kind of outcome by the schema, after what the array held', () => {
    const lease = (id: string) => ({ id, token: `w1:${id}` });
    const error = { message: 'boom' };
    const outcomes: AttemptOutcome[] = [
      { lease: lease('a'), kind: 'completed', resultJson: '{"ok":1}' },
      { lease: lease('b'), kind: 'completed', resultJson: undefined },
      { lease: lease('c'), kind: 'failed', error, then: { action: 'retry', delayMs: 250 } },
      { lease: lease('d'), kind: 'failed', error, then: { action: 'dead' } },
      { lease: lease('e'), kind: 'limited', error, delayMs: 1_000 },
    ];
    const args = appendSettleRows(['head'], outcomes);
    expect(args[0]).toBe('head');
    expect(rowsByName(args.slice(1))).toEqual([
      { id: 'a', token: 'w1:a', outcome: OUTCOME.completed, value: '{"ok":1}', delayMs: 0 },
      { id: 'b', token: 'w1:b', outcome: OUTCOME.completed, value: '', delayMs: 0 },
      { id: 'c', token: 'w1:c', outcome: OUTCOME.retry, value: '{"message":"boom"}', delayMs: 250 },
      { id: 'd', token: 'w1:d', outcome: OUTCOME.dead, value: '{"message":"boom"}', delayMs: 0 },
      { id: 'e', token: 'w1:e', outcome: OUTCOME.limited, value: '{"message":"boom"}', delayMs: 1_000 },
    ]);
  });
});
