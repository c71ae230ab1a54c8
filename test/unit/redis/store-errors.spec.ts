import { ReplyError } from 'ioredis';
import { RedisUnavailableError } from '../../../lib/errors/redis-unavailable.error.js';
import { TaskStoreError } from '../../../lib/errors/task-store.error.js';
import { guarded, toStoreError } from '../../../lib/redis/store-errors.js';

const context = { target: 'redis.internal:6379', safeMessage: (e: unknown) => String((e as Error).message ?? e).split('S3cret').join('***') };
const reply = (message: string, command?: string) => Object.assign(new ReplyError(message), command ? { command: { name: command, args: [] } } : {});

describe('toStoreError', () => {
  it.each([
    ['OOM command not allowed when used memory > maxmemory.', 'out-of-memory', /enqueue failed: Redis at redis\.internal:6379 is out of memory .*nothing was written/],
    ["NOPERM User app has no permissions to run the 'xadd' command", 'permission-denied', /permission denied: the Redis user may not run XADD/],
    ["ERR The user executing the script can't run this command or subcommand script: abc", 'permission-denied', /one of the commands its Lua script calls/],
    ['MOVED 3999 127.0.0.1:7001', 'wrong-node', /wrong node: redis\.internal:6379 does not serve this queue's keys.*cluster shape/],
    ['CROSSSLOT Keys in request don\'t hash to the same slot', 'wrong-node', /wrong node/],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'refused', /refused it \(Redis said: WRONGTYPE/],
  ] as const)('wraps %p as %s, with the reply error as cause', (message, failure, text) => {
    const cause = reply(message, 'evalsha');
    const error = toStoreError('enqueue', cause, context);
    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ failure, cause });
    expect(error.message).toMatch(text);
  });

  // Redis 7.0's words, read off a redis-server, and 7.2's (script.c's scriptVerifyACL with its short ACL messages):
  // in a script, each refusal ends "on @user_script:<line>".
  it('says part of the call may be stored only when the refusal came from inside a script', () => {
    const midway = 'so part of this call may be stored (look a task up by its id before sending it again)';
    const inScript = [
      "ERR The user executing the script can't run this command or subcommand script: 1345b7bb, on @user_script:1.",
      "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments script: b1a80f30, on @user_script:1.",
      "ERR ACL failure in script: User app has no permissions to run the 'xadd' command script: a71b6e0c, on @user_script:629.",
      'ERR ACL failure in script: No permissions to access a key script: a71b6e0c, on @user_script:629.',
    ];
    for (const said of inScript) {
      const error = toStoreError('enqueue', reply(said, 'evalsha'), context);
      expect(error).toMatchObject({ failure: 'permission-denied' });
      expect(error.message).toContain(midway);
    }
    // Refused before the script ran: nothing written.
    for (const said of ["NOPERM this user has no permissions to run the 'evalsha' command", 'NOPERM this user has no permissions to access one of the keys used as arguments']) {
      const error = toStoreError('enqueue', reply(said, 'evalsha'), context);
      expect(error).toMatchObject({ failure: 'permission-denied' });
      expect(error.message).not.toContain(midway);
    }
  });

  it('names the command sent when it is not a script', () => {
    expect(toStoreError('get', reply('NOPERM this user has no permissions to access one of the keys', 'hgetall'), context).message).toMatch(/may not run HGETALL/);
    // With the prefix known, the key pattern the ACL must allow.
    expect(toStoreError('get', reply('NOPERM this user has no permissions to access one of the keys', 'hgetall'), { ...context, prefix: 'tasks' }).message).toMatch(
      /may not run HGETALL or touch these keys \(this app's keys all match '\{tasks:\*'\); see the access-control list/,
    );
  });

  it("says a call that outlived its reconnects found Redis unreachable, without ioredis' retry limit, naming a Cluster as one", () => {
    const retries = new Error('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.');
    expect(toStoreError('counts', retries, context, 'reads').message).toBe(
      'counts failed: Redis at redis.internal:6379 is unreachable (the connection is down, and the reconnects made for this call failed)',
    );
    const cluster = { ...context, target: 'Redis Cluster via 10.0.0.1:7000' };
    expect(toStoreError('counts', new Error('Connection is closed.'), cluster, 'reads').message).toBe('counts failed: Redis Cluster via 10.0.0.1:7000 is unreachable (Connection is closed.)');
  });

  it('turns connection failures and refused logins into RedisUnavailableError, scrubbing secrets', () => {
    const lost = toStoreError('counts', new Error('Connection is closed. S3cret'), context, 'reads');
    expect(lost).toBeInstanceOf(RedisUnavailableError);
    expect(lost).toMatchObject({ failure: 'unavailable' });
    expect(lost.message).toBe('counts failed: Redis at redis.internal:6379 is unreachable (Connection is closed. ***)');
    const refused = toStoreError('enqueue', reply('WRONGPASS invalid username-password pair'), context);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    // Not "unreachable": it answered, and refused this app's login.
    expect(refused.message).toBe(
      'enqueue failed: Redis at redis.internal:6379 refused the login (WRONGPASS invalid username-password pair): the user name or password of ' +
        '`connection` is no longer accepted (changed under the app?); it keeps reconnecting, and recovers once they match again',
    );
  });

  it('says a Cluster call found no node to run it, rather than that the whole cluster is unreachable', () => {
    const error = toStoreError('enqueue', new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'), { ...context, target: 'Redis Cluster via a:1, b:2' });
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(error.message).toBe(
      'enqueue failed: Redis Cluster via a:1, b:2 could not route the call to a node serving its keys (a node down or failing over, or its slot being moved: Too many Cluster redirections. Last error: Error: Connection is closed.)',
    );
  });

  it('says the app closed its connections when a call comes after that, rather than blaming Redis', () => {
    const after = toStoreError('counts', new Error('Connection is closed.'), { ...context, closed: true }, 'reads');
    expect(after).toBeInstanceOf(RedisUnavailableError);
    expect(after.message).toBe(
      'counts failed: this app closed its Redis connections (app.close() was called) before Redis answered; ' +
        'call it while the app runs, and await it (or what it waits on: a schema\'s validation) before closing',
    );
    // A write may have gone out before the close, into a Redis that stalled meanwhile.
    expect(toStoreError('enqueue', new Error('Connection is closed.'), { ...context, closed: true }, 'adds').message).toBe(
      'enqueue failed: this app closed its Redis connections (app.close() was called) before Redis answered; if it was sent ' +
        'before that, its tasks may still be stored: send them again with the same ids rather than new ones (a task still stored is ' +
        "not added again; the error's tasks lists the ids); call it while the app runs, and await it (or what it waits on: a " +
        "schema's validation) before closing",
    );
    // A refusal Redis sent is still reported as such.
    expect(toStoreError('counts', reply('OOM command not allowed'), { ...context, closed: true })).toMatchObject({ failure: 'out-of-memory' });
  });

  it('refuses a call made after the app closed its connections without sending it, saying nothing was sent', async () => {
    const call = jest.fn(async () => 'sent');
    const error = await guarded("enqueue on queue 'q'", { ...context, closed: true }, call, 'adds').catch((e: unknown) => e);
    expect(call).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toBe(
      "enqueue on queue 'q' failed: this app had closed its Redis connections (app.close() was called) before the call, so nothing was sent; " +
        "call it while the app runs, and await it (or what it waits on: a schema's validation) before closing",
    );
    // The worker's own calls end with its shutdown: nothing to advise.
    expect(((await guarded('renew', { ...context, closed: true }, call, 'worker').catch((e: unknown) => e)) as Error).message).toBe(
      'renew failed: this app had closed its Redis connections (app.close() was called) before the call, so nothing was sent',
    );
    await expect(guarded('counts', context, call, 'reads')).resolves.toBe('sent');
  });

  it('says what a call that ran out its commandTimeout may have done, by what the call does', () => {
    const timedOut = () => new Error('Command timed out');
    const read = toStoreError('counts on queue \'q\'', timedOut(), context, 'reads');
    expect(read).toBeInstanceOf(RedisUnavailableError);
    expect(read.message).toBe("counts on queue 'q' failed: Redis at redis.internal:6379 did not answer within the connection's commandTimeout (it may be stalled, paused or unreachable)");
    expect(toStoreError('cancel', timedOut(), context, 'writes').message).toMatch(/unreachable\); the call was sent, so Redis may still carry it out: read the state before doing it again$/);
    expect(toStoreError('enqueue', timedOut(), context, 'adds').message).toMatch(
      /unreachable\); the call was sent, so its tasks may still be stored: send them again with the same ids rather than new ones \(a task still stored is not added again; the error's tasks lists the ids\)$/,
    );
  });

  it('says a write or an add whose connection failed may have been carried out, if it was sent; a read nothing', () => {
    const lost = () => new Error('Connection is closed.');
    expect(toStoreError('cancel', lost(), context).message).toBe(
      'cancel failed: Redis at redis.internal:6379 is unreachable (Connection is closed.); if it was sent before the connection failed, ' +
        'Redis may still carry it out: read the state before doing it again',
    );
    expect(toStoreError('enqueue', lost(), context, 'adds').message).toMatch(/; if it was sent before the connection failed, its tasks may still be stored: send them again with the same ids/);
    // The worker's own bookkeeping: it repeats or reconciles the call itself, so its log line advises nothing.
    expect(toStoreError('worker heartbeat', lost(), context, 'worker').message).toBe('worker heartbeat failed: Redis at redis.internal:6379 is unreachable (Connection is closed.)');
    expect(toStoreError('renew', lost(), { ...context, closed: true }, 'worker').message).toBe(
      'renew failed: this app closed its Redis connections (app.close() was called) before Redis answered',
    );
    // A batch sent as several calls says it once, in its own note.
    const split = toStoreError('enqueue', new Error('Command timed out'), context, 'adds', 3).message;
    expect(split.match(/same ids/g)).toHaveLength(1);
    expect(split).toContain('as 3 enqueue calls');
  });

  it('says a batch sent as several enqueue calls may be part stored, whatever failed, keeping the error class', () => {
    const oom = toStoreError('enqueue', reply('OOM command not allowed when used memory > \'maxmemory\'.'), context, 'adds', 30);
    expect(oom).toMatchObject({ failure: 'out-of-memory' });
    expect(oom.message).toContain('is out of memory (used memory is over maxmemory); the call it refused wrote nothing.');
    expect(oom.message).toMatch(/; this batch went to Redis as 30 enqueue calls \(one per queue and per 1,000 tasks or 64 MiB of payloads\), each all or nothing, so some of its tasks may be stored: send the batch again with the same ids/);
    const lost = toStoreError('enqueue', new Error('Connection is closed.'), context, 'adds', 2);
    expect(lost).toBeInstanceOf(RedisUnavailableError);
    expect(lost.message).toContain('as 2 enqueue calls');
    // One call: all or nothing, as the message says.
    expect(toStoreError('enqueue', reply('OOM command not allowed'), context, 'adds').message).toContain('; nothing was written.');
  });

  it('leaves the library\'s own store errors as they are', () => {
    const own = new TaskStoreError('x', 'not-replicated');
    expect(toStoreError('enqueue', own, context)).toBe(own);
  });
});

describe('guarded', () => {
  it('names the operation a function gives, and asks for it only when the call fails', async () => {
    let asked = 0;
    const operation = () => {
      asked++;
      return "enqueue on queue 'mail'";
    };
    await expect(guarded(operation, context, async () => 'ok')).resolves.toBe('ok');
    expect(asked).toBe(0);
    await expect(guarded(operation, context, () => Promise.reject(new Error('Connection is closed.')))).rejects.toThrow(
      "enqueue on queue 'mail' failed: Redis at redis.internal:6379 is unreachable (Connection is closed.)",
    );
    expect(asked).toBe(1);
  });
});
