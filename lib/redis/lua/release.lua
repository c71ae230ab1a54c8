-- release: hands tasks back to waiting at shutdown, in their old place, without
-- counting the attempt that was cut short.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, then pairs of id, lease token
-- Returns the number of tasks handed back.
-- Atomic so that a task is never out of active without being back in wait.
--@include common

local base, released = ARGV[1], 0
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local taskKey = base .. 't:' .. id
  if redis.call('HGET', taskKey, 'lk') == ARGV[i + 1] then
    redis.call('ZREM', KEYS[3], id)
    redis.call('HDEL', taskKey, 'lk', 'st')
    redis.call('HINCRBY', taskKey, 'a', -1)
    redis.call('HSET', taskKey, 's', 'w')
    redis.call('ZADD', KEYS[1], redis.call('HGET', taskKey, 'ws'), id)
    released = released + 1
  end
end
if released > 0 then wake(KEYS[4]) end
return released
