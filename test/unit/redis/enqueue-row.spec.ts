import type { NewTask } from '../../../lib/engine/new-task.js';
import { ENQUEUE_OPTIONS, OPTIONS_SEPARATOR } from '../../../lib/redis/protocol.js';
import { enqueueRow } from '../../../lib/redis/script-args.js';

const task = (fields: Partial<NewTask> = {}): NewTask => ({
  id: 'k1', name: 'mail.send', payloadJson: '{"to":"ada"}', priority: 0, delayMs: 0, runAt: null, maxAttempts: 3, backoff: null,
  timeoutMs: 0, dependsOn: [], dependencyFailure: 'dead', removeOnComplete: null, removeOnDead: null, ...fields,
});
const unpacked = (options: string | number) => String(options).split(OPTIONS_SEPARATOR);

describe('enqueueRow', () => {
  it('carries the id and the payload as they are, and every option in ENQUEUE_OPTIONS order', () => {
    const row = enqueueRow(
      task({
        priority: -5, delayMs: 250, runAt: 1_700_000_000_000, maxAttempts: 7, backoff: { type: 'exponential', delay: 100, maxDelay: 900 },
        timeoutMs: 1_500, dependsOn: ['a', 'b'], dependencyFailure: 'run', removeOnComplete: 'remove', removeOnDead: { age: 60_000, count: null },
        traceContext: '{"traceparent":"00-1-2-01"}',
      }),
    );
    expect(row.id).toBe('k1');
    expect(row.payload).toBe('{"to":"ada"}');
    const values = unpacked(row.options);
    expect(values).toHaveLength(ENQUEUE_OPTIONS.length);
    expect(Object.fromEntries(ENQUEUE_OPTIONS.map((field, i) => [field, values[i]]))).toEqual({
      name: 'mail.send', priority: '-5', delayMs: '250', runAt: '1700000000000', maxAttempts: '7', backoff: 'e,100,900',
      timeoutMs: '1500', dependsOn: 'a\nb', dependencyFailure: 'run', removeOnComplete: '1', removeOnDead: '60000,-1',
      traceContext: '{"traceparent":"00-1-2-01"}',
    });
  });

  it('packs a plain task into as many fields, the empty ones included', () => {
    expect(unpacked(enqueueRow(task()).options)).toEqual(['mail.send', '0', '0', '', '3', '', '0', '', '', '', '', '']);
  });

  it('keeps a trace context whose values hold a tab in one field: its JSON escapes the tab', () => {
    const traceContext = JSON.stringify({ tracestate: 'a=1\tb=2' });
    const values = unpacked(enqueueRow(task({ traceContext })).options);
    expect(values).toHaveLength(ENQUEUE_OPTIONS.length);
    expect(values[ENQUEUE_OPTIONS.indexOf('traceContext')]).toBe(traceContext);
  });
});
