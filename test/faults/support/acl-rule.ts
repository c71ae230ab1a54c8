// The ACL rule docs/operations.md gives the library's user, as the fault specs set it up.

/** ACL SETUSER rules after the user name, with the password as a placeholder. */
export const RULES = [
  'reset', 'on', '>PASSWORD', '~{tasks:*', '-@all',
  // Sent by the library and ioredis: scripts, get and list, the blocking waits (tasks, events), ioredis' ready check.
  '+eval', '+evalsha', '+hgetall', '+get', '+smembers', '+zrange', '+bzpopmin', '+xread', '+xrevrange', '+info',
  // Task logs and the health check's PING.
  '+lrange', '+ping',
  // Called inside the Lua scripts.
  '+time', '+exists', '+incr', '+incrby', '+decr', '+del', '+set', '+mset', '+mget', '+hget', '+hmget', '+hset', '+hsetnx', '+hexists', '+hdel', '+hincrby',
  '+zadd', '+zrem', '+zcard', '+zrangebyscore', '+zpopmin', '+xadd', '+sadd', '+srem', '+scard', '+pexpire', '+pttl',
  '+rpush', '+ltrim', '+zscan', '+zcount', '+lpop', '+llen', '+lrem',
  // Worker heartbeats and the hand-over of tasks in a rolling deploy.
  '+zscore', '+zremrangebyscore',
  // promote (a retry's history entry) and the name filter going on along the wait list, or a set (by rank).
  '+lindex', '+lset', '+lpos', '+zrank',
  // Whether a dependent enqueued by 0.1.0 (with no dependency list) still waits for a dependency.
  '+sismember',
];

/** RULES with `password` in place of the placeholder, as ACL SETUSER takes them. */
export function rulesWithPassword(password: string): string[] {
  return RULES.map((rule) => (rule === '>PASSWORD' ? `>${password}` : rule));
}
