-- recover: takes back tasks whose lease ran out (their worker crashed, hung or
-- lost Redis). The interrupted attempt counts: the task goes back to waiting
-- if attempts remain, else to dead.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 max tasks per call, 4 dead keep age ms, 5 dead keep count
-- Returns { recovered to waiting, moved to dead }.
-- Atomic so that two workers recovering at once cannot both requeue a task,
-- and a late settle from the old worker finds the lease token gone.
--@include common
--@include dependencies

local base, evMaxLen = ARGV[1], tonumber(ARGV[2])
local keys = queueKeys()
local now = nowMs()
local requeued, dead = 0, 0
local expired = redis.call('ZRANGEBYSCORE', keys.active, '-inf', int(now), 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(expired) do
  local taskKey = base .. 't:' .. id
  local f = redis.call('HMGET', taskKey, 'a', 'm', 'ws', 'n', 'gc', 'hd', 'rd')
  endLease(base, keys, taskKey, id, f[4], f[5])
  if f[3] then
    local attempt, max = tonumber(f[1]) or 1, tonumber(f[2]) or 1
    local err = cjson.encode({ message = 'attempt ' .. attempt .. ' was lost: its worker stopped renewing the lease (crash, hang or lost connection)' })
    if attempt < max then
      redis.call('HSET', taskKey, 's', 'w', 'err', err)
      redis.call('ZADD', keys.wait, f[3], id)
      emit(base, evMaxLen, taskKey, 'retrying', id, f[4], attempt, err)
      requeued = requeued + 1
    else
      emit(base, evMaxLen, taskKey, 'dead', id, f[4], attempt, err)
      redis.call('HSET', taskKey, 's', 'x', 'err', err, 'f', int(now))
      redis.call('ZADD', keys.dead, int(now), id)
      if f[6] then
        settleDependents(base, keys, now, evMaxLen, id, 'x', 'its worker was lost', { age = tonumber(ARGV[4]), count = tonumber(ARGV[5]) })
      end
      if f[7] == '1' then
        redis.call('ZREM', keys.dead, id)
        deleteTask(base, id)
      end
      dead = dead + 1
    end
  end
end
if requeued > 0 then wake(keys.mark) end
if dead > 0 then trim(base, keys.dead, now, tonumber(ARGV[4]), tonumber(ARGV[5]), dead) end
return { requeued, dead }
