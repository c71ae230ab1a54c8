-- progress: records a running task's progress, only while the caller holds its lease.
-- KEYS: 1 task record
-- ARGV: 1 lease token, 2 progress JSON
-- Returns 1 when recorded, 0 when the lease is no longer the caller's.
-- Atomic so that a stale worker cannot write progress onto a recovered task.

if redis.call('HGET', KEYS[1], 'lk') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'pg', ARGV[2])
return 1
