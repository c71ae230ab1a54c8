-- fail: records a failed attempt and either schedules the next attempt
-- (after the backoff delay) or moves the task to dead; then fetches the
-- worker's next tasks in the same call.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 id, 3 lease token, 4 error JSON, 5 'retry' | 'dead', 6 retry delay ms,
--   7 dead keep age ms, 8 dead keep count, 9 fetch n, 10 worker token, 11 lease ms
-- Returns { settled, fetch reply... }.
-- Atomic for the same reason as complete: the lease check and the move must
-- not be split by a recovery of the same task.
--@include common
--@include fetch

local base, id = ARGV[1], ARGV[2]
local taskKey = base .. 't:' .. id
local now = nowMs()
local settled = 0

if redis.call('HGET', taskKey, 'lk') == ARGV[3] then
  settled = 1
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', taskKey, 'lk')
  if ARGV[5] == 'retry' then
    local delay = tonumber(ARGV[6])
    if delay > 0 then
      local runAt = now + delay
      redis.call('HSET', taskKey, 's', 'd', 'err', ARGV[4], 'r', int(runAt))
      redis.call('ZADD', KEYS[2], int(runAt), id)
      wakeIfEarliest(KEYS[2], KEYS[4], id)
    else
      redis.call('HSET', taskKey, 's', 'w', 'err', ARGV[4], 'r', int(now))
      redis.call('ZADD', KEYS[1], redis.call('HGET', taskKey, 'ws'), id)
      wake(KEYS[4])
    end
  else
    notifyFinal(base, taskKey, id, 'x', ARGV[4])
    redis.call('HSET', taskKey, 's', 'x', 'err', ARGV[4], 'f', int(now))
    redis.call('ZADD', KEYS[5], int(now), id)
    trim(base, KEYS[5], now, tonumber(ARGV[7]), tonumber(ARGV[8]))
  end
end

local reply = fetchTasks(base, KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5],
  tonumber(ARGV[9]), now, ARGV[10], tonumber(ARGV[11]))
table.insert(reply, 1, settled)
return reply
