-- recover: takes back tasks whose lease ran out (their worker crashed, hung or
-- lost Redis). The interrupted attempt counts: the task goes back to waiting
-- if attempts remain, else to dead.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 max tasks per call, 3 dead keep age ms, 4 dead keep count
-- Returns { recovered to waiting, moved to dead }.
-- Atomic so that two workers recovering at once cannot both requeue a task,
-- and a late settle from the old worker finds the lease token gone.
--@include common

local base = ARGV[1]
local now = nowMs()
local requeued, dead = 0, 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', int(now), 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(expired) do
  local taskKey = base .. 't:' .. id
  redis.call('ZREM', KEYS[3], id)
  local f = redis.call('HMGET', taskKey, 'a', 'm', 'ws')
  if f[3] then
    local attempt, max = tonumber(f[1]) or 1, tonumber(f[2]) or 1
    local err = cjson.encode({ message = 'attempt ' .. attempt .. ' was lost: its worker stopped renewing the lease (crash, hang or lost connection)' })
    redis.call('HDEL', taskKey, 'lk')
    if attempt < max then
      redis.call('HSET', taskKey, 's', 'w', 'err', err)
      redis.call('ZADD', KEYS[1], f[3], id)
      requeued = requeued + 1
    else
      notifyFinal(base, taskKey, id, 'x', err)
      redis.call('HSET', taskKey, 's', 'x', 'err', err, 'f', int(now))
      redis.call('ZADD', KEYS[5], int(now), id)
      dead = dead + 1
    end
  end
end
if requeued > 0 then wake(KEYS[4]) end
if dead > 0 then trim(base, KEYS[5], now, tonumber(ARGV[3]), tonumber(ARGV[4])) end
return { requeued, dead }
