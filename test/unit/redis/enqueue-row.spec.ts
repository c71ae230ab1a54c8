import type { NewTask } from '../../../lib/engine/new-task.js';
import { ENQUEUE_OPTIONS, OPTIONS_SEPARATOR } from '../../../lib/redis/protocol.js';
import { enqueueRow, enqueueRows } from '../../../lib/redis/script-args.js';

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

describe('enqueueRows', () => {
  /** A value of each option unlike the plain task's. */
  const changed: { [K in (typeof ENQUEUE_OPTIONS)[number]]: Partial<NewTask> } = {
    name: { name: 'mail.retry' },
    priority: { priority: 3 },
    delayMs: { delayMs: 10 },
    runAt: { runAt: 1_700_000_000_000 },
    maxAttempts: { maxAttempts: 9 },
    backoff: { backoff: { type: 'fixed', delay: 5 } },
    timeoutMs: { timeoutMs: 100 },
    dependsOn: { dependsOn: ['a'] },
    dependencyFailure: { dependencyFailure: 'run' },
    removeOnComplete: { removeOnComplete: 'remove' },
    removeOnDead: { removeOnDead: 'remove' },
    traceContext: { traceContext: '00-1-2-01' },
  };

  it.each(ENQUEUE_OPTIONS)('packs a task whose %s differs from the one before it on its own', (field) => {
    const tasks = [task(), task({ id: 'k2', ...changed[field] }), task({ id: 'k3' })];
    expect(enqueueRows(tasks)).toEqual(tasks.map(enqueueRow));
    expect(unpacked(enqueueRows(tasks)[1].options)).not.toEqual(unpacked(enqueueRow(tasks[0]).options));
  });

  it('shares one packed string among tasks with the same options, policies from the same defaults included', () => {
    const backoff = { type: 'exponential', delay: 1_000 } as const;
    const rows = enqueueRows([task({ backoff }), task({ id: 'k2', backoff, payloadJson: '{"to":"bo"}' })]);
    expect(rows.map((r) => [r.id, r.payload])).toEqual([['k1', '{"to":"ada"}'], ['k2', '{"to":"bo"}']]);
    expect(rows[1].options).toBe(rows[0].options);
    expect(rows[0].options).toBe(enqueueRow(task({ backoff })).options);
  });

  it('packs tasks with dependencies each on its own, even on the same list', () => {
    const dependsOn = ['a'];
    const tasks = [task({ dependsOn }), task({ id: 'k2', dependsOn: ['b'] })];
    expect(enqueueRows(tasks).map((r) => unpacked(r.options)[ENQUEUE_OPTIONS.indexOf('dependsOn')])).toEqual(['a', 'b']);
  });
});
