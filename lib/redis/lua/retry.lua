-- retry: puts a dead task back to waiting with a fresh attempt budget. It does
-- not wait for dependencies again: those it had are finished one way or another.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 id
-- Returns 1 when requeued, 0 when the task is absent or not dead.
-- Atomic so that the task leaves dead and enters wait in one step.
--@include common

local base, evMaxLen, id = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local keys = queueKeys()
local taskKey = base .. 't:' .. id
local f = redis.call('HMGET', taskKey, 's', 'ws', 'n')
if f[1] ~= 'x' or not f[2] then
  return 0
end
redis.call('ZREM', keys.dead, id)
redis.call('HSET', taskKey, 's', 'w', 'a', 0, 'r', int(nowMs()))
redis.call('HDEL', taskKey, 'f', 'st', 'pg')
redis.call('ZADD', keys.wait, f[2], id)
emit(base, evMaxLen, taskKey, 'enqueued', id, f[3], nil, nil)
wake(keys.mark)
return 1
