import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROBES } from '../../../lib/redis/script-access.js';

const LUA = join(__dirname, '..', '..', '..', 'lib', 'redis', 'lua');

/** Every command a Lua script of the library calls, directly or through callSliced (common.lua). */
function commandsInScripts(): string[] {
  const files = readdirSync(LUA, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.lua'));
  const found = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(LUA, file), 'utf8').matchAll(/(?:redis\.p?call|callSliced)\('([A-Za-z]+)'/g)) found.add(match[1]!.toUpperCase());
  }
  return [...found].sort();
}

describe('the bootstrap access check', () => {
  // A command a script calls that the check does not ask about could be refused midway through a script.
  it('asks about exactly the commands the Lua scripts call', () => {
    const probed = PROBES.map((probe) => probe.command[0]!).sort();
    expect(new Set(probed).size).toBe(probed.length);
    expect(probed).toEqual(commandsInScripts());
  });

  it('counts a command as a write exactly when Redis flags it write', () => {
    // Redis's own flags (COMMAND INFO), written out: the read-only warning rests on them.
    const writes = ['SET', 'MSET', 'DEL', 'INCR', 'INCRBY', 'DECR', 'PEXPIRE', 'HSET', 'HSETNX', 'HDEL', 'HINCRBY', 'ZADD', 'ZREM', 'ZPOPMIN',
      'ZREMRANGEBYSCORE', 'SADD', 'SREM', 'RPUSH', 'LPOP', 'LTRIM', 'LREM', 'LSET', 'XADD'];
    expect(PROBES.filter((probe) => probe.writes).map((probe) => probe.command[0]).sort()).toEqual(writes.sort());
  });
});
