-- renew: extends the leases of every task one worker is running, in one call,
-- and hands back tasks leased to this worker that it does not know it holds.
-- The latter happens when a fetch ran but its reply was lost (a dropped
-- connection, a Redis restart): without this they would sit out their lease
-- and then lose an attempt they never used.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 lease ms, 3 worker token, 4 orphan age ms (a lease this
--   old that the worker does not hold is an orphan; younger ones may still be
--   in a reply on its way), then pairs of id, lease token the worker holds
-- Returns { ids whose lease is no longer this worker's, number of orphans handed back }.
-- Atomic so that a lease is only extended, or an orphan only handed back,
-- while the caller still holds it.
--@include common

local base = ARGV[1]
local now = nowMs()
local expiry = int(now + tonumber(ARGV[2]))
local prefix = ARGV[3] .. ':'
local orphanBefore = now - tonumber(ARGV[4])
local lost, held = {}, {}
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  held[id] = true
  if redis.call('HGET', base .. 't:' .. id, 'lk') == ARGV[i + 1] then
    redis.call('ZADD', KEYS[3], 'XX', expiry, id)
  else
    lost[#lost + 1] = id
  end
end

local released = 0
-- Bounded scan: the active set holds at most the fleet's running tasks.
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, 4999)) do
  if not held[id] then
    local taskKey = base .. 't:' .. id
    local f = redis.call('HMGET', taskKey, 'lk', 'st', 'ws')
    if f[1] and string.sub(f[1], 1, #prefix) == prefix and (tonumber(f[2]) or 0) < orphanBefore and f[3] then
      redis.call('ZREM', KEYS[3], id)
      redis.call('HDEL', taskKey, 'lk', 'st')
      redis.call('HINCRBY', taskKey, 'a', -1)
      redis.call('HSET', taskKey, 's', 'w')
      redis.call('ZADD', KEYS[1], f[3], id)
      released = released + 1
    end
  end
end
if released > 0 then wake(KEYS[4]) end
return { lost, released }
