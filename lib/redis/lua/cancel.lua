-- cancel: removes a task that has not started (waiting, delayed or blocked).
-- Its dependents, if any, are told it ended dead (they go dead too unless
-- they were enqueued with dependencyFailure 'run').
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 id
-- Returns 1 when removed, 0 when the task is absent or in another state.
-- Atomic so that a worker cannot fetch the task between the state check and the removal.
--@include common
--@include dependencies

local base, evMaxLen, id = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local keys = queueKeys()
local taskKey = base .. 't:' .. id
local f = redis.call('HMGET', taskKey, 's', 'n', 'hd')
if f[1] == 'w' then
  -- A waiting task may be parked while its handler is at its fleet-wide limit.
  if redis.call('ZREM', keys.wait, id) == 0 and f[2] then redis.call('ZREM', base .. 'gp:' .. f[2], id) end
elseif f[1] == 'd' then
  redis.call('ZREM', keys.delayed, id)
elseif f[1] == 'b' then
  redis.call('ZREM', keys.blocked, id)
  for _, dep in ipairs(redis.call('SMEMBERS', base .. 'dp:' .. id)) do
    redis.call('SREM', base .. 'dn:' .. dep, id)
  end
else
  return 0
end
if f[3] then settleDependents(base, keys, nowMs(), evMaxLen, id, 'x', 'it was cancelled', nil) end
deleteTask(base, id)
return 1
