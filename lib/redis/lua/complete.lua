-- complete: records a successful attempt, then fetches the worker's next tasks
-- in the same call (one round trip per task on a busy worker).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 id, 3 lease token, 4 result JSON, 5 keep age ms (-1 = no limit),
--   6 keep count (-1 = no limit, 0 = remove at once), 7 fetch n, 8 worker token, 9 lease ms
-- Returns { settled (1, or 0 when the lease was no longer ours), fetch reply... }.
-- Atomic so that the lease check and the state change cannot be split by a
-- lease recovery: a task recovered elsewhere must not also be marked done here.
--@include common
--@include fetch

local base, id = ARGV[1], ARGV[2]
local taskKey = base .. 't:' .. id
local now = nowMs()
local settled = 0

if redis.call('HGET', taskKey, 'lk') == ARGV[3] then
  settled = 1
  redis.call('ZREM', KEYS[3], id)
  notifyFinal(base, taskKey, id, 'c', ARGV[4])
  local count = tonumber(ARGV[6])
  if count == 0 then
    deleteTask(base, id)
  else
    redis.call('HSET', taskKey, 's', 'c', 'f', int(now), 'res', ARGV[4])
    redis.call('HDEL', taskKey, 'lk')
    redis.call('ZADD', KEYS[6], int(now), id)
    trim(base, KEYS[6], now, tonumber(ARGV[5]), count)
  end
end

local reply = fetchTasks(base, KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5],
  tonumber(ARGV[7]), now, ARGV[8], tonumber(ARGV[9]))
table.insert(reply, 1, settled)
return reply
