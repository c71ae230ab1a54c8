-- progress: records a running task's progress, only while the caller holds its lease.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 id, 4 lease token, 5 progress JSON
-- Returns 1 when recorded, 0 when the lease is no longer the caller's.
-- Atomic so that a stale worker cannot write progress onto a recovered task.
--@include common

local base, evMaxLen, id = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local taskKey = base .. 't:' .. id
local f = redis.call('HMGET', taskKey, 'lk', 'n', 'a')
if f[1] ~= ARGV[4] then
  return 0
end
redis.call('HSET', taskKey, 'pg', ARGV[5])
emit(base, evMaxLen, taskKey, 'progress', id, f[2], f[3], ARGV[5])
return 1
