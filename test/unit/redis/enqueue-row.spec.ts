import type { NewTask } from '../../../lib/engine/new-task.js';
import { ENQUEUE_OPTIONS, OPTIONS_SEPARATOR, PAYLOAD_PART_BYTES } from '../../../lib/redis/protocol.js';
import { enqueuePayload, enqueueRows } from '../../../lib/redis/script-args.js';

const task = (fields: Partial<NewTask> = {}): NewTask => ({
  id: 'k1', name: 'mail.send', payloadJson: '{"to":"ada"}', priority: 0, delayMs: 0, runAt: null, maxAttempts: 3, backoff: null,
  timeoutMs: 0, dependsOn: [], dependencyFailure: 'dead', removeOnComplete: null, removeOnDead: null, ...fields,
});
const unpacked = (options: string | number) => String(options).split(OPTIONS_SEPARATOR);
/** One task's row, as a batch of one packs it. */
const enqueueRow = (t: NewTask) => enqueueRows([t])[0];
/**
 * A backoff that counts how often its fields are read: packing a task's
 * options reads them, so the count tells how many times a batch packed.
 */
function countingBackoff() {
  const reads = { count: 0 };
  const backoff = {
    get type() {
      reads.count += 1;
      return 'exponential' as const;
    },
    get delay() {
      return 1_000;
    },
  };
  return { backoff, reads };
}

describe('an enqueue row', () => {
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
    expect(row.payloadTail).toBe('');
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

  it('packs the options once for tasks with the same options, policies from the same defaults included, and sends the rest as the same', () => {
    const once = countingBackoff();
    enqueueRows([task({ backoff: once.backoff })]);
    expect(once.reads.count).toBeGreaterThan(0);

    const { backoff, reads } = countingBackoff();
    const rows = enqueueRows([task({ backoff }), task({ id: 'k2', backoff, payloadJson: '{"to":"bo"}' }), task({ id: 'k3', backoff })]);
    expect(reads.count).toBe(once.reads.count);
    expect(rows.map((r) => [r.id, r.payload])).toEqual([['k1', '{"to":"ada"}'], ['k2', '{"to":"bo"}'], ['k3', '{"to":"ada"}']]);
    // '' is "the options of the row before" for the script.
    expect(rows.map((r) => r.options)).toEqual([enqueueRow(task({ backoff: { type: 'exponential', delay: 1_000 } })).options, '', '']);
  });

  it('reuses the packing of the call before for a task with the same options, and still sends them in full', () => {
    const { backoff, reads } = countingBackoff();
    const first = enqueueRow(task({ backoff }));
    const packings = reads.count;
    expect(packings).toBeGreaterThan(0);
    const second = enqueueRow(task({ id: 'k2', backoff, payloadJson: '{"to":"bo"}' }));
    expect(reads.count).toBe(packings);
    // A call's first row always carries its options: '' would point at a row before it, which the script does not have.
    expect(second).toEqual({ id: 'k2', payload: '{"to":"bo"}', payloadTail: '', options: first.options });
  });

  it.each(ENQUEUE_OPTIONS)('packs anew a call whose task has another %s than the task of the call before', (field) => {
    const before = enqueueRow(task());
    const after = enqueueRow(task({ id: 'k2', ...changed[field] }));
    const at = ENQUEUE_OPTIONS.indexOf(field);
    expect(unpacked(after.options)[at]).not.toBe(unpacked(before.options)[at]);
    expect(unpacked(after.options)).toHaveLength(ENQUEUE_OPTIONS.length);
  });

  it('packs each task with dependencies on its own, even when they share one list', () => {
    const once = countingBackoff();
    enqueueRows([task({ backoff: once.backoff, dependsOn: ['a'] })]);

    const { backoff, reads } = countingBackoff();
    const dependsOn = ['a'];
    const rows = enqueueRows([task({ backoff, dependsOn }), task({ id: 'k2', backoff, dependsOn })]);
    expect(reads.count).toBe(2 * once.reads.count);
    expect(rows.map((r) => unpacked(r.options)[ENQUEUE_OPTIONS.indexOf('dependsOn')])).toEqual(['a', 'a']);
  });
});

describe('enqueuePayload', () => {
  const json = (length: number, fill = 'x') => JSON.stringify({ v: fill.repeat(length - 8) });

  it('splits an ASCII payload of 65 to 128 bytes into its two record parts, the first of 64 bytes', () => {
    for (const length of [65, 100, 128]) {
      const payload = json(length);
      expect(payload).toHaveLength(length);
      const [head, tail] = enqueuePayload(payload);
      expect(Buffer.byteLength(head)).toBe(PAYLOAD_PART_BYTES);
      expect(Buffer.byteLength(tail)).toBe(length - PAYLOAD_PART_BYTES);
      expect(head + tail).toBe(payload);
    }
  });

  it('leaves whole, with an empty tail, a payload of one part, one longer than two, and one with a character of more than one byte', () => {
    for (const payload of [json(12), json(64), json(129), json(300), json(100, 'é'), JSON.stringify({ v: 'x'.repeat(50) + '😀' })]) {
      expect(enqueuePayload(payload)).toEqual([payload, '']);
    }
  });

  it('goes into the enqueue row', () => {
    const payloadJson = json(121);
    const row = enqueueRows([task({ payloadJson })])[0];
    expect([row.payload, row.payloadTail]).toEqual([payloadJson.slice(0, 64), payloadJson.slice(64)]);
  });
});
