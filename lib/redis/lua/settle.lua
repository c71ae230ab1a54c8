-- settle: records how a batch of one worker's attempts ended, then fetches
-- that worker's next tasks, all in one call (one round trip and one script run
-- for every task that finished in the same event-loop turn).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 completed keep age ms, 4 completed keep count
--   (0 = remove at once), 5 dead keep age ms, 6 dead keep count, 7-12 fetch arguments (see fetch.lua),
--   then 5 per outcome: id, lease token, kind, value, delay ms. Kinds: 'c' completed (value: result
--   JSON), 'r' retry after the delay, 'x' dead, 'l' handed back after the delay without using the
--   attempt (the handler was rate limited); value is the error JSON for all but 'c'.
-- Returns { settled flags (one '1' or '0' per outcome, as a string), fetch reply... };
-- '0' means the lease was no longer the caller's (recovered elsewhere): nothing was changed for it.
-- Atomic so that the lease check and the state change cannot be split by a
-- recovery of the same task, which would let it be both requeued and finished.
--@include common
--@include dependencies
--@include fetch

local base, evMaxLen = ARGV[1], tonumber(ARGV[2])
local keys = queueKeys()
local keepCompletedAge, keepCompleted = tonumber(ARGV[3]), tonumber(ARGV[4])
local keepDeadAge, keepDead = tonumber(ARGV[5]), tonumber(ARGV[6])
local now = nowMs()
local flags = {}
local completed, dead, requeued = 0, 0, false

-- A task's own retention ('1', or '<age>,<count>' with -1 for unset) over the module's.
local function ownRetention(text, age, count)
  if not text then return false, age, count end
  if text == '1' then return true, age, count end
  local a, c = string.match(text, '^(-?%d+),(-?%d+)$')
  a, c = tonumber(a), tonumber(c)
  return false, (a and a >= 0) and a or age, (c and c >= 0) and c or count
end

-- Puts a task back to run after delay ms (0: at once, in its old place).
local function requeue(taskKey, id, delay, err, attemptUsed)
  if not attemptUsed then redis.call('HINCRBY', taskKey, 'a', -1) end
  if delay > 0 then
    local runAt = now + delay
    redis.call('HSET', taskKey, 's', 'd', 'err', err, 'r', int(runAt))
    redis.call('ZADD', keys.delayed, int(runAt), id)
    wakeIfEarliest(keys.delayed, keys.mark, id)
  else
    redis.call('HSET', taskKey, 's', 'w', 'err', err, 'r', int(now))
    redis.call('ZADD', keys.wait, redis.call('HGET', taskKey, 'ws'), id)
    requeued = true
  end
end

for i = 13, #ARGV, 5 do
  local id, kind, value = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local taskKey = base .. 't:' .. id
  local f = redis.call('HMGET', taskKey, 'lk', 'n', 'gc', 'a', 'rc', 'rd', 'hd')
  if f[1] ~= ARGV[i + 1] then
    flags[#flags + 1] = '0'
  else
    flags[#flags + 1] = '1'
    -- The lease ends here: a repeated settle of this attempt (a reply lost and
    -- the call retried) must find nothing to change.
    endLease(base, keys, taskKey, id, f[2], f[3])
    if kind == 'c' then
      emit(base, evMaxLen, taskKey, 'completed', id, f[2], f[4], value)
      if f[7] then settleDependents(base, keys, now, evMaxLen, id, 'c', value, nil) end
      local remove, age, count = ownRetention(f[5], keepCompletedAge, keepCompleted)
      if remove or count == 0 then
        deleteTask(base, id)
      else
        redis.call('HSET', taskKey, 's', 'c', 'f', int(now), 'res', value)
        redis.call('ZADD', keys.completed, int(now), id)
        if f[5] then trim(base, keys.completed, now, age, count, 1) else completed = completed + 1 end
      end
    elseif kind == 'r' or kind == 'l' then
      emit(base, evMaxLen, taskKey, 'retrying', id, f[2], f[4], value)
      requeue(taskKey, id, tonumber(ARGV[i + 4]), value, kind == 'r')
    else
      emit(base, evMaxLen, taskKey, 'dead', id, f[2], f[4], value)
      if f[7] then
        local ok, decoded = pcall(cjson.decode, value)
        settleDependents(base, keys, now, evMaxLen, id, 'x', ok and type(decoded) == 'table' and decoded.message or '',
          { age = keepDeadAge, count = keepDead })
      end
      local remove, age, count = ownRetention(f[6], keepDeadAge, keepDead)
      if remove then
        deleteTask(base, id)
      else
        redis.call('HSET', taskKey, 's', 'x', 'err', value, 'f', int(now))
        redis.call('ZADD', keys.dead, int(now), id)
        if f[6] then trim(base, keys.dead, now, age, count, 1) else dead = dead + 1 end
      end
    end
  end
end

if requeued then wake(keys.mark) end
if completed > 0 then trim(base, keys.completed, now, keepCompletedAge, keepCompleted, completed) end
if dead > 0 then trim(base, keys.dead, now, keepDeadAge, keepDead, dead) end

local reply = fetchTasks(base, keys, now, evMaxLen, fetchArgs(7))
table.insert(reply, 1, table.concat(flags))
return reply
