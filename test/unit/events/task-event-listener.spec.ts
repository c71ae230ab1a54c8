import { createTaskEventListener, type TaskEventBinding } from '../../../lib/events/task-event-listener.js';
import type { TaskEvent, TaskEventType } from '../../../lib/index.js';

const binding: TaskEventBinding = { type: 'completed', queue: 'q', name: 'email.send', source: 'Listeners.sent' };
const event = (type: TaskEventType, name: string, id = 't-1'): TaskEvent => ({ type, id, name, queue: 'q', at: 1, eventId: '1-0' });

describe('createTaskEventListener', () => {
  it('passes on only events of the bound type and name', () => {
    const seen: TaskEvent[] = [];
    const listener = createTaskEventListener(binding, (e) => seen.push(e), { error: jest.fn() });
    listener(event('completed', 'email.send', 'a'));
    listener(event('completed', 'other', 'b'));
    listener(event('dead', 'email.send', 'c'));
    expect(seen.map((e) => e.id)).toEqual(['a']);
  });

  it('passes on every name when none is bound', () => {
    const seen: string[] = [];
    const listener = createTaskEventListener({ ...binding, name: null }, (e) => seen.push(e.name), { error: jest.fn() });
    listener(event('completed', 'x'));
    listener(event('completed', 'y'));
    expect(seen).toEqual(['x', 'y']);
  });

  it('logs a listener that throws, once, naming the listener and the task, and does not throw', () => {
    const error = jest.fn();
    const listener = createTaskEventListener(binding, () => {
      throw new Error('boom');
    }, { error });
    expect(() => listener(event('completed', 'email.send', 't-9'))).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toBe("@OnTaskEvent('completed') Listeners.sent failed on task t-9 ('email.send') of queue 'q': boom");
    expect(error.mock.calls[0][1]).toMatch(/^Error: boom/);
  });

  it('logs a listener that rejects, once', async () => {
    const error = jest.fn();
    const listener = createTaskEventListener(binding, async () => {
      throw 'not an error';
    }, { error });
    listener(event('completed', 'email.send'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toMatch(/failed on task t-1 \('email.send'\) of queue 'q': not an error$/);
  });
});
