-- retry: puts a dead task back to waiting with a fresh attempt budget.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 id
-- Returns 1 when requeued, 0 when the task is absent or not dead.
-- Atomic so that the task leaves dead and enters wait in one step.
--@include common

local taskKey = ARGV[1] .. 't:' .. ARGV[2]
if redis.call('HGET', taskKey, 's') ~= 'x' then
  return 0
end
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('HSET', taskKey, 's', 'w', 'a', 0, 'r', int(nowMs()))
redis.call('HDEL', taskKey, 'f', 'st', 'pg')
redis.call('ZADD', KEYS[1], redis.call('HGET', taskKey, 'ws'), ARGV[2])
wake(KEYS[4])
return 1
