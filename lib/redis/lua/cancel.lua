-- cancel: removes a task that has not started (waiting or delayed).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 id (its record and payload keys are derived from the base)
-- Returns 1 when removed, 0 when the task is absent or in another state.
-- Atomic so that a worker cannot fetch the task between the state check and the removal.

local taskKey = ARGV[1] .. 't:' .. ARGV[2]
local state = redis.call('HGET', taskKey, 's')
if state == 'w' then
  redis.call('ZREM', KEYS[1], ARGV[2])
elseif state == 'd' then
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  return 0
end
redis.call('DEL', taskKey, ARGV[1] .. 'd:' .. ARGV[2])
return 1
