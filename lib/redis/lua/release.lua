-- release: hands tasks back to waiting at shutdown, in their old place, without
-- counting the attempt that was cut short.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, then pairs of id, lease token
-- Returns the number of tasks handed back.
-- Atomic so that a task is never out of active without being back in wait.
--@include common
--@include hand-back

local base = ARGV[1]
local keys = queueKeys()
local released = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  local f = redis.call('HMGET', base .. 't:' .. id, 'lk', 'ws', 'n', 'gc')
  if f[1] == ARGV[i + 1] and f[2] then
    handBack(base, keys, id, { ws = f[2], name = f[3], counted = f[4] })
    released = released + 1
  end
end
if released > 0 then wake(keys.mark) end
return released
