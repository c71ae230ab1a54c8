-- log: appends one line to a running task's log, keeping only the newest lines.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it touches the task's record and log list, built from the base.
-- ARGV: SCRIPTS.log of protocol.ts: the key base, the events setting, the task id, the lease token, the
--   message, the most lines kept.
-- Returns 1 when appended, 0 when the lease is no longer the caller's (nothing written).
-- Atomic so that a line is never written for a task that is gone: a log list
-- without its task would never be removed.
--@include time
--@include common

local base, id = ARGV[ARG_BASE], ARGV[ARG_ID]
if redis.call('HGET', base .. K_TASK .. id, R_LEASE_TOKEN) ~= ARGV[ARG_TOKEN] then return 0 end
local logKey = base .. K_LOGS .. id
-- The task now has a log list: its removal must delete it (see the plain flag).
redis.call('HDEL', base .. K_TASK .. id, R_PLAIN)
redis.call('RPUSH', logKey, int(nowMs()) .. ' ' .. ARGV[ARG_MESSAGE])
redis.call('LTRIM', logKey, -tonumber(ARGV[ARG_MAX_LINES]), -1)
return 1
