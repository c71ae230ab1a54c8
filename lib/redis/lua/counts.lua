-- counts: how many tasks of the queue are in each state, in one consistent snapshot.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length
-- Returns { waiting, delayed, active, completed, dead, blocked, paused (0/1) }; waiting includes
-- tasks parked while their handler is at its fleet-wide limit.

local base = ARGV[1]
local waiting = redis.call('ZCARD', KEYS[1])
for _, name in ipairs(redis.call('SMEMBERS', base .. 'gpn')) do
  local parked = redis.call('ZCARD', base .. 'gp:' .. name)
  if parked == 0 then redis.call('SREM', base .. 'gpn', name) end
  waiting = waiting + parked
end
return { waiting, redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[6]),
  redis.call('ZCARD', KEYS[5]), redis.call('ZCARD', KEYS[8]), redis.call('EXISTS', KEYS[9]) }
