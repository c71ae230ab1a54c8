import { decodeError, decodeFetchReply, decodeSettleReply, decodeTaskInfo, priorityOfWaitScore } from '../../../lib/redis/task-record.codec.js';

// Replies laid out as lib/redis/lua/includes/fetch.lua builds them:
// { nextDueInMs (-1 = nothing delayed), missing ids joined by '\n',
//   then per task: id, name, payload, attempt (integer), max (HMGET string), backoff ('' if unset), timeout }
// and settle.lua puts the settled flags ('1'/'0' per outcome, one string) in front. Integers reach
// ioredis as numbers, HMGET fields as strings.
const TOKEN = 'worker-abc';

describe('decodeTaskInfo', () => {
  it('reads every field of a full record', () => {
    const hash = {
      n: 'email.send',
      s: 'x',
      ws: '4294924346327045',
      a: '2',
      m: '3',
      b: 'e,1000',
      to: '5000',
      e: '1700000000000',
      r: '1700000002000',
      st: '1700000002100',
      f: '1700000002200',
      res: '{"messageId":"m-1"}',
      err: '{"message":"boom","stack":"Error: boom\\n    at x","name":"Error"}',
      pg: '{"step":"send","pct":50}',
    };
    expect(decodeTaskInfo('email', 'order-1', hash, '{"to":"a@b.c"}')).toEqual({
      id: 'order-1',
      name: 'email.send',
      queue: 'email',
      payload: { to: 'a@b.c' },
      state: 'dead',
      priority: 10,
      attempts: 2,
      maxAttempts: 3,
      result: { messageId: 'm-1' },
      error: { message: 'boom', stack: 'Error: boom\n    at x', name: 'Error' },
      progress: { step: 'send', pct: 50 },
      enqueuedAt: 1700000000000,
      runAt: 1700000002000,
      startedAt: 1700000002100,
      finishedAt: 1700000002200,
    });
  });

  it('returns null for an empty hash (no such task)', () => {
    expect(decodeTaskInfo('default', 'gone', {}, null)).toBeNull();
  });

  it('reads a fresh waiting record as enqueue.lua writes it (only fields that differ from defaults)', () => {
    const hash = { n: 'echo', s: 'w', ws: '4294980180901895', m: '1', e: '1700000000000' };
    expect(decodeTaskInfo('default', '7', hash, '"hi"')).toEqual({
      id: '7',
      name: 'echo',
      queue: 'default',
      payload: 'hi',
      state: 'waiting',
      priority: -3,
      attempts: 0,
      maxAttempts: 1,
      result: undefined,
      error: null,
      progress: undefined,
      enqueuedAt: 1700000000000,
      runAt: 1700000000000,
      startedAt: null,
      finishedAt: null,
    });
  });

  it.each([
    ['w', 'waiting'],
    ['d', 'delayed'],
    ['a', 'active'],
    ['c', 'completed'],
    ['x', 'dead'],
  ])('maps the state code %s to %s', (code, state) => {
    expect(decodeTaskInfo('q', '1', { n: 't', s: code, m: '1', e: '1' }, 'null')?.state).toBe(state);
  });

  it('keeps a null payload and a numeric progress', () => {
    const info = decodeTaskInfo('q', '1', { n: 't', s: 'a', m: '1', e: '5', pg: '75' }, 'null');
    expect(info?.payload).toBeNull();
    expect(info?.progress).toBe(75);
  });
});

describe('priorityOfWaitScore', () => {
  it('reads back the priority waitScore encoded, at both ends of the range', () => {
    const score = (priority: number, seq: number) => (1_000_000 - priority) * 4294967296 + (seq % 4294967296);
    for (const priority of [1_000_000, 10, 0, -3, -1_000_000]) {
      expect(priorityOfWaitScore(score(priority, 4294967295))).toBe(priority);
      expect(priorityOfWaitScore(score(priority, 0))).toBe(priority);
    }
  });
});

describe('decodeError', () => {
  it('reads a stored error record and nothing as null', () => {
    expect(decodeError('{"message":"no handler for x"}')).toEqual({ message: 'no handler for x' });
    expect(decodeError(undefined)).toBeNull();
    expect(decodeError('')).toBeNull();
  });

  it('turns a record without a message into a readable one', () => {
    expect(decodeError('not json')).toEqual({ message: 'not json' });
    expect(decodeError('42')).toEqual({ message: '42' });
  });
});

describe('decodeFetchReply', () => {
  it('reads an empty fetch: nothing delayed, nothing missing, no tasks', () => {
    expect(decodeFetchReply([-1, '', '1700000000900'], TOKEN)).toEqual({ tasks: [], brokenIds: [], nextDueInMs: null });
  });

  it('reads the tasks, the missing ids, the next due time and when the tasks started', () => {
    const reply = [
      250,
      'lost-1\nlost-2',
      '1700000000900',
      'a1', 'email.send', '{"to":"a@b.c"}', 1, '3', 'e,1000,60000', '5000', '1700000000000', 12, '{"traceparent":"00-t-s-01"}', '',
      'a2', 'report', 'null', 2, '2', '', '0', '1700000000500', 0, '', '{"traceparent":"00-u-v-01"}',
    ];
    expect(decodeFetchReply(reply, TOKEN)).toEqual({
      nextDueInMs: 250,
      brokenIds: ['lost-1', 'lost-2'],
      tasks: [
        {
          id: 'a1',
          name: 'email.send',
          payload: { to: 'a@b.c' },
          attempt: 1,
          maxAttempts: 3,
          backoff: { type: 'exponential', delay: 1000, maxDelay: 60000 },
          timeoutMs: 5000,
          enqueuedAt: 1_700_000_000_000,
          waitedMs: 12,
          startedAt: 1_700_000_000_900,
          traceContext: '{"traceparent":"00-t-s-01"}',
          lease: { id: 'a1', token: `${TOKEN}:1:1700000000900` },
        },
        {
          id: 'a2',
          name: 'report',
          payload: null,
          attempt: 2,
          maxAttempts: 2,
          backoff: null,
          timeoutMs: 0,
          enqueuedAt: 1_700_000_000_500,
          waitedMs: 0,
          startedAt: 1_700_000_000_900,
          traceLink: '{"traceparent":"00-u-v-01"}',
          lease: { id: 'a2', token: `${TOKEN}:2:1700000000900` },
        },
      ],
    });
  });

  it('reads a next due time of 0 as "due now", not as "nothing delayed"', () => {
    expect(decodeFetchReply([0, '', '1'], TOKEN).nextDueInMs).toBe(0);
  });

  it('builds the lease token as fetch.lua stores it: <worker token>:<attempt>:<start>', () => {
    const [task] = decodeFetchReply([-1, '', '7', 'id', 'n', '{}', 4, '5', 'f,10', '0', '1', 0, '', ''], 'w-9').tasks;
    expect(task.lease).toEqual({ id: 'id', token: 'w-9:4:7' });
  });

  it('reports a payload that is not JSON instead of throwing, so the task can go dead with the reason', () => {
    const [task] = decodeFetchReply([-1, '', '7', 'id', 'n', '{oops', 1, '1', '', '0', '1', 0, '', ''], 'w-9').tasks;
    expect(task.payload).toBeUndefined();
    expect(task.unreadable).toMatch(/^payload is not valid JSON \(/);
  });

  it('throws on a reply that is not an array', () => {
    expect(() => decodeFetchReply('OK', TOKEN)).toThrow(/unexpected fetch reply/);
  });
});

describe('decodeSettleReply', () => {
  it('reads a settled batch followed by a fetch', () => {
    const reply = ['101', -1, '', '50', 'b1', 'echo', '{"n":1}', 1, '1', '', '0', '42', 3, '', ''];
    expect(decodeSettleReply(reply, TOKEN)).toEqual({
      settled: [true, false, true],
      nextDueInMs: null,
      brokenIds: [],
      tasks: [
        { id: 'b1', name: 'echo', payload: { n: 1 }, attempt: 1, maxAttempts: 1, backoff: null, timeoutMs: 0, enqueuedAt: 42, waitedMs: 3, startedAt: 50, lease: { id: 'b1', token: `${TOKEN}:1:50` } },
      ],
    });
  });

  it('reads a lost lease (flag 0) with its fetch half', () => {
    expect(decodeSettleReply(['0', 1200, 'x-1', '60'], TOKEN)).toEqual({ settled: [false], nextDueInMs: 1200, brokenIds: ['x-1'], tasks: [] });
    // '2': the task is gone from the store, not taken back.
    expect(decodeSettleReply(['102', '', '', '60'], TOKEN)).toMatchObject({ settled: [true, false, false], gone: [false, false, true] });
  });

  it('throws on a reply that is not an array', () => {
    expect(() => decodeSettleReply(null, TOKEN)).toThrow(/unexpected settle reply/);
  });
});
