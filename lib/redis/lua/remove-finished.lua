-- removeFinished: removes one finished task (completed or dead) as retention would: its entry in the
-- finished set and its keys (record, log, history). A task in any other state is left alone (cancel
-- takes an unfinished one; a running one cannot be removed).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task keys built from the base.
-- ARGV: SCRIPTS.removeFinished of protocol.ts: the key base, the events setting, the id.
-- Returns 1 when removed, 0 when the task is absent or not finished.
-- Atomic so that the task's keys go with its entry in the finished set, and a
-- task that is retried meanwhile (dead to waiting) is not removed under it.
--@include time
--@include common

local base, id = ARGV[ARG_BASE], ARGV[ARG_ID]
local keys = queueKeys()
local state = redis.call('HGET', base .. K_TASK .. id, R_STATE)
local setKey
if state == S_COMPLETED then
  setKey = keys[KEY_COMPLETED]
elseif state == S_DEAD then
  setKey = keys[KEY_DEAD]
else
  return 0
end
redis.call('ZREM', setKey, id)
deleteTask(base, id)
return 1
