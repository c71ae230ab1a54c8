-- renew: extends the leases of every task one worker is running, in one call,
-- and hands back tasks leased to this worker that it does not know it holds.
-- The latter happens when a fetch ran but its reply was lost (a dropped
-- connection, a Redis restart): without this they would sit out their lease
-- and then lose an attempt they never used.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 lease ms, 4 worker token, 5 orphan age ms (a lease
--   this old that the worker does not hold is an orphan; younger ones may still be in a reply on
--   its way), then pairs of id, lease token the worker holds
-- Returns { ids whose lease is no longer this worker's, number of orphans handed back }.
-- Atomic so that a lease is only extended, or an orphan only handed back,
-- while the caller still holds it.
--@include common
--@include hand-back

local base = ARGV[1]
local keys = queueKeys()
local now = nowMs()
local expiry = int(now + tonumber(ARGV[3]))
local prefix = ARGV[4] .. ':'
local orphanBefore = now - tonumber(ARGV[5])
local lost, held = {}, {}
for i = 6, #ARGV, 2 do
  local id = ARGV[i]
  held[id] = true
  if redis.call('HGET', base .. 't:' .. id, 'lk') == ARGV[i + 1] then
    redis.call('ZADD', keys.active, 'XX', expiry, id)
  else
    lost[#lost + 1] = id
  end
end

local released = 0
-- Bounded scan: the active set holds at most the fleet's running tasks.
for _, id in ipairs(redis.call('ZRANGE', keys.active, 0, 4999)) do
  if not held[id] then
    local f = redis.call('HMGET', base .. 't:' .. id, 'lk', 'st', 'ws', 'n', 'gc')
    if f[1] and string.sub(f[1], 1, #prefix) == prefix and (tonumber(f[2]) or 0) < orphanBefore and f[3] then
      handBack(base, keys, id, { ws = f[3], name = f[4], counted = f[5] })
      released = released + 1
    end
  end
end
if released > 0 then wake(keys.mark) end
return { lost, released }
