import { Logger } from '@nestjs/common';
import { defineTask } from '../../../lib/index.js';
import type { WorkerEvent } from '../../../lib/index.js';
import { checkWorkerBinding } from '../../../lib/worker/worker-event-listener.explorer.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

const task = { queue: 'q', id: 't1', name: 'job', attempt: 1, maxAttempts: 1, payload: null, enqueuedAt: 1 };

describe('@OnWorkerEvent bindings', () => {
  it('takes a name or a definition, and a queue', () => {
    const call = () => undefined;
    expect(checkWorkerBinding({ type: 'failed', options: { name: defineTask('job'), queue: 'q' } }, 'A.b', call)).toEqual({
      type: 'failed', name: 'job', queue: 'q', source: 'A.b', call,
    });
    expect(checkWorkerBinding({ type: 'error', options: {} }, 'A.b', call)).toMatchObject({ name: null, queue: null });
  });

  it.each([
    [{ type: 'stalled', options: {} }, /@OnWorkerEvent on A\.b: unknown event type "stalled" \(known: active, progress, completed, failed, error\)/],
    [{ type: 'active', options: { queues: 'q' } }, /@OnWorkerEvent on A\.b: unknown option 'queues'/],
    [{ type: 'active', options: 'q' }, /options must be an object \{ name\?, queue\? \}/],
    [{ type: 'active', options: { queue: '' } }, /queue must be a non-empty string/],
  ])('refuses %j, naming the method', (meta, message) => {
    expect(() => checkWorkerBinding(meta as never, 'A.b', () => undefined)).toThrow(message);
  });
});

describe('WorkerEvents', () => {
  it('hands each event to the listeners of its type, queue and name, and survives listeners that throw', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    const events = new WorkerEvents();
    events.add(checkWorkerBinding({ type: 'active', options: {} }, 'A.all', (e) => seen.push(`all ${e.type}`)));
    events.add(checkWorkerBinding({ type: 'active', options: { name: 'other' } }, 'A.other', () => seen.push('other')));
    events.add(checkWorkerBinding({ type: 'active', options: { queue: 'elsewhere' } }, 'A.elsewhere', () => seen.push('elsewhere')));
    events.add(checkWorkerBinding({ type: 'active', options: {} }, 'A.throws', () => {
      throw new Error('sync bug');
    }));
    events.add(checkWorkerBinding({ type: 'active', options: {} }, 'A.rejects', () => Promise.reject(new Error('async bug'))));
    events.add(checkWorkerBinding({ type: 'active', options: {} }, 'A.after', () => seen.push('after')));

    expect(events.wants('active')).toBe(true);
    expect(events.wants('completed')).toBe(false);
    events.emit({ type: 'active', ...task } as WorkerEvent);
    await new Promise((resolve) => setImmediate(resolve));

    expect(seen).toEqual(['all active', 'after']);
    expect(error.mock.calls.map(([line]) => line)).toEqual([
      "@OnWorkerEvent('active') A.throws failed on task t1 ('job') of queue 'q': sync bug",
      "@OnWorkerEvent('active') A.rejects failed on task t1 ('job') of queue 'q': async bug",
    ]);
    error.mockRestore();
  });
});
