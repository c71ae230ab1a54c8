-- settle: records how a batch of one worker's attempts ended, then fetches
-- that worker's next tasks, all in one call (one round trip and one script run
-- for every task that finished in the same event-loop turn).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 completed keep age ms, 3 completed keep count (0 = remove at once),
--   4 dead keep age ms, 5 dead keep count, 6 fetch n, 7 worker token, 8 lease ms,
--   then 5 per outcome: id, lease token, kind ('c' completed | 'r' retry | 'x' dead),
--   value (result JSON for 'c', error JSON otherwise), retry delay ms
-- Returns { settled flags (one '1' or '0' per outcome, as a string), fetch reply... };
-- '0' means the lease was no longer the caller's (recovered elsewhere): nothing was changed for it.
-- Atomic so that the lease check and the state change cannot be split by a
-- recovery of the same task, which would let it be both requeued and finished.
--@include common
--@include fetch

local base = ARGV[1]
local keepCompletedAge, keepCompleted = tonumber(ARGV[2]), tonumber(ARGV[3])
local keepDeadAge, keepDead = tonumber(ARGV[4]), tonumber(ARGV[5])
local now = nowMs()
local flags = {}
local completed, dead, requeued = 0, 0, false

for i = 9, #ARGV, 5 do
  local id, kind, value = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local taskKey = base .. 't:' .. id
  if redis.call('HGET', taskKey, 'lk') ~= ARGV[i + 1] then
    flags[#flags + 1] = '0'
  else
    flags[#flags + 1] = '1'
    redis.call('ZREM', KEYS[3], id)
    -- The lease ends here: a repeated settle of this attempt (a reply lost and
    -- the call retried) must find nothing to change.
    redis.call('HDEL', taskKey, 'lk')
    if kind == 'c' then
      notifyFinal(base, taskKey, id, 'c', value)
      if keepCompleted == 0 then
        deleteTask(base, id)
      else
        redis.call('HSET', taskKey, 's', 'c', 'f', int(now), 'res', value)
        redis.call('ZADD', KEYS[6], int(now), id)
        completed = completed + 1
      end
    elseif kind == 'r' then
      local delay = tonumber(ARGV[i + 4])
      if delay > 0 then
        local runAt = now + delay
        redis.call('HSET', taskKey, 's', 'd', 'err', value, 'r', int(runAt))
        redis.call('ZADD', KEYS[2], int(runAt), id)
        wakeIfEarliest(KEYS[2], KEYS[4], id)
      else
        redis.call('HSET', taskKey, 's', 'w', 'err', value, 'r', int(now))
        redis.call('ZADD', KEYS[1], redis.call('HGET', taskKey, 'ws'), id)
        requeued = true
      end
    else
      notifyFinal(base, taskKey, id, 'x', value)
      redis.call('HSET', taskKey, 's', 'x', 'err', value, 'f', int(now))
      redis.call('ZADD', KEYS[5], int(now), id)
      dead = dead + 1
    end
  end
end

if requeued then wake(KEYS[4]) end
if completed > 0 then trim(base, KEYS[6], now, keepCompletedAge, keepCompleted, completed) end
if dead > 0 then trim(base, KEYS[5], now, keepDeadAge, keepDead, dead) end

local reply = fetchTasks(base, KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5],
  tonumber(ARGV[6]), now, ARGV[7], tonumber(ARGV[8]))
table.insert(reply, 1, table.concat(flags))
return reply
