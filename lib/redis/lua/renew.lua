-- renew: extends the leases of every task one worker is running, in one call.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 lease ms, then pairs of id, lease token
-- Returns the ids whose lease is no longer this worker's (recovered after
-- expiry, cancelled or removed): the worker stops caring about their outcome.
-- Atomic so that a lease is only extended if it is still held by the caller.
--@include common

local base = ARGV[1]
local expiry = int(nowMs() + tonumber(ARGV[2]))
local lost = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', base .. 't:' .. id, 'lk') == ARGV[i + 1] then
    redis.call('ZADD', KEYS[3], 'XX', expiry, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
