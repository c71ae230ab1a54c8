-- enqueue: adds a batch of tasks to one queue.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- Also writes each task's record ('t:<id>') and payload ('d:<id>') under the key base.
-- ARGV: 1 key base ('{prefix:queue}:'), then 9 fields per task:
--   id, name, payload JSON, priority, delay ms, runAt ms ('' = none),
--   max attempts, backoff ('' | 'f,<delay>' | 'e,<delay>[,<max>]'), timeout ms
-- Returns { id1, created1, id2, created2, ... } (created = 1, or 0 when the id existed).
-- Atomic because a task's record, its place in wait/delayed and the id
-- counter must change together: a half-added task would be invisible to
-- workers yet block its id forever.
--@include common

local base = ARGV[1]
local now = nowMs()
local out = {}
local waited, earliest = false, nil

for i = 2, #ARGV, 9 do
  local id, created = ARGV[i], 1
  local seq
  -- Every task arrives with its id (callers generate one when the user gave
  -- none), so a call that ioredis re-sends after a dropped connection finds
  -- its tasks already there instead of adding them twice.
  if redis.call('EXISTS', base .. 't:' .. id) == 1 then
    created = 0
  else
    seq = redis.call('INCR', KEYS[7])
  end

  if created == 1 then
    local taskKey = base .. 't:' .. id
    local priority = tonumber(ARGV[i + 3])
    local ws = int(waitScore(priority, seq))
    local runAt = now
    if ARGV[i + 5] ~= '' then
      runAt = tonumber(ARGV[i + 5])
    elseif tonumber(ARGV[i + 4]) > 0 then
      runAt = now + tonumber(ARGV[i + 4])
    end
    local state = 'w'
    if runAt > now then
      state = 'd'
      redis.call('ZADD', KEYS[2], int(runAt), id)
      if not earliest or runAt < earliest then earliest = runAt end
    else
      redis.call('ZADD', KEYS[1], ws, id)
      waited = true
    end
    -- Only fields that differ from their defaults are written: attempts 0, no
    -- backoff, no timeout, runAt = enqueuedAt; priority is read back from ws.
    redis.call('HSET', taskKey, 'n', ARGV[i + 1], 's', state, 'ws', ws, 'm', ARGV[i + 6], 'e', int(now))
    if ARGV[i + 7] ~= '' then redis.call('HSET', taskKey, 'b', ARGV[i + 7]) end
    if ARGV[i + 8] ~= '0' then redis.call('HSET', taskKey, 'to', ARGV[i + 8]) end
    if runAt ~= now then redis.call('HSET', taskKey, 'r', int(runAt)) end
    redis.call('SET', base .. 'd:' .. id, ARGV[i + 2])
  end
  out[#out + 1] = id
  out[#out + 1] = created
end

if waited then
  wake(KEYS[4])
elseif earliest then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if tonumber(first[2]) == earliest then wake(KEYS[4]) end
end
return out
