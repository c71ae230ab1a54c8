-- progress: records a running task's progress, only while the caller holds its lease.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.progress of protocol.ts: the key base, the events setting, the id, the lease token, the progress JSON.
-- Returns 1 when recorded, 0 when the lease is no longer the caller's.
-- Atomic so that a stale worker cannot write progress onto a recovered task.
--@include time
--@include common

local base, evMaxLen, id = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN], ARGV[ARG_ID]
local taskKey = base .. K_TASK .. id
local f = redis.call('HMGET', taskKey, R_LEASE_TOKEN, R_NAME, R_ATTEMPTS)
if f[1] ~= ARGV[ARG_TOKEN] then
  return 0
end
redis.call('HSET', taskKey, R_PROGRESS, ARGV[ARG_PROGRESS])
emit(base, evMaxLen, taskKey, T_PROGRESS, id, f[2], f[3], ARGV[ARG_PROGRESS])
return 1
