import { decodeEvents } from '../../../lib/redis/event.codec.js';
import type { TaskEvent } from '../../../lib/index.js';

/** The one event a single entry holds, or null. */
const decodeEvent = (queue: string, entry: unknown): TaskEvent | null => {
  const events = decodeEvents(queue, entry);
  expect(events.length).toBeLessThanOrEqual(1);
  return events[0] ?? null;
};

// Entries as XREAD/XRANGE return them: [id, [field, value, ...]], every value
// a string. Fields as lib/redis/lua/includes/common.lua's emit writes them:
// t type, i id, n name, a attempt, v JSON value.
const entry = (id: string, ...fields: string[]) => [id, fields];

describe('decodeEvent', () => {
  it('reads an enqueued event: no attempt, time from the entry id', () => {
    expect(decodeEvent('email', entry('1700000000123-0', 't', 'enqueued', 'i', 'o-1', 'n', 'email.send'))).toEqual({
      type: 'enqueued',
      id: 'o-1',
      name: 'email.send',
      queue: 'email',
      at: 1700000000123,
      eventId: '1700000000123-0',
    });
  });

  it('reads the attempt of a started event as a number', () => {
    expect(decodeEvent('q', entry('5-1', 't', 'started', 'i', 'a', 'n', 'x', 'a', '2'))).toEqual({
      type: 'started',
      id: 'a',
      name: 'x',
      queue: 'q',
      at: 5,
      eventId: '5-1',
      attempt: 2,
    });
  });

  it('reads progress as a number or an object', () => {
    expect(decodeEvent('q', entry('5-0', 't', 'progress', 'i', 'a', 'n', 'x', 'a', '1', 'v', '50'))?.progress).toBe(50);
    expect(decodeEvent('q', entry('5-0', 't', 'progress', 'i', 'a', 'n', 'x', 'a', '1', 'v', '{"step":"send"}'))?.progress).toEqual({ step: 'send' });
  });

  it('reads the result of a completed event, and undefined for a handler that returned nothing', () => {
    const withResult = decodeEvent('q', entry('5-0', 't', 'completed', 'i', 'a', 'n', 'x', 'a', '1', 'v', '{"messageId":"m-1"}'));
    expect(withResult).toMatchObject({ type: 'completed', attempt: 1, result: { messageId: 'm-1' } });
    expect(withResult).not.toHaveProperty('error');
    const voidResult = decodeEvent('q', entry('5-0', 't', 'completed', 'i', 'a', 'n', 'x', 'a', '1', 'v', ''));
    expect(voidResult?.result).toBeUndefined();
  });

  it('reads the error of retrying and dead events', () => {
    const err = '{"message":"boom","stack":"Error: boom\\n    at x","name":"Error"}';
    expect(decodeEvent('q', entry('5-0', 't', 'retrying', 'i', 'a', 'n', 'x', 'a', '1', 'v', err))).toMatchObject({
      type: 'retrying',
      attempt: 1,
      error: { message: 'boom', stack: 'Error: boom\n    at x', name: 'Error' },
    });
    expect(decodeEvent('q', entry('5-0', 't', 'dead', 'i', 'a', 'n', 'x', 'v', err))?.error?.message).toBe('boom');
  });

  it('gives a dead event without a stored error a readable one', () => {
    expect(decodeEvent('q', entry('5-0', 't', 'dead', 'i', 'a', 'n', 'x'))?.error).toEqual({ message: 'unknown error' });
  });

  it('keeps a value that is not JSON as its text', () => {
    expect(decodeEvent('q', entry('5-0', 't', 'completed', 'i', 'a', 'n', 'x', 'v', 'not json'))?.result).toBe('not json');
  });

  it('expands a grouped entry into one event per task, each with an id of its own, the last with the entry id', () => {
    const events = decodeEvents('q', entry('7-2', 't', 'started', 'is', 'a\nb\nc', 'ns', 'x\ny\nx', 'as', '1\n3\n1'));
    expect(events).toEqual([
      { type: 'started', id: 'a', name: 'x', queue: 'q', at: 7, eventId: '7-2/0', attempt: 1 },
      { type: 'started', id: 'b', name: 'y', queue: 'q', at: 7, eventId: '7-2/1', attempt: 3 },
      { type: 'started', id: 'c', name: 'x', queue: 'q', at: 7, eventId: '7-2', attempt: 1 },
    ]);
  });

  it('gives every task of a grouped entry its one name, and no attempt to enqueued events', () => {
    const events = decodeEvents('q', entry('7-0', 't', 'enqueued', 'is', 'a\nb', 'n', 'mail.send'));
    expect(events.map((e) => [e.id, e.name, e.eventId, e.attempt])).toEqual([
      ['a', 'mail.send', '7-0/0', undefined],
      ['b', 'mail.send', '7-0', undefined],
    ]);
  });

  it('rejects entries that are not task events', () => {
    expect(decodeEvent('q', entry('5-0', 't', 'exploded', 'i', 'a', 'n', 'x'))).toBeNull();
    expect(decodeEvents('q', entry('5-0', 't', 'exploded', 'is', 'a\nb', 'n', 'x'))).toEqual([]);
    expect(decodeEvent('q', entry('5-0', 't', 'enqueued', 'n', 'x'))).toBeNull();
    expect(decodeEvent('q', ['5-0'])).toBeNull();
    expect(decodeEvent('q', null)).toBeNull();
    expect(decodeEvent('q', 'x')).toBeNull();
  });
});
