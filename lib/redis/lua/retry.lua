-- retry: puts a dead task back to waiting with a fresh attempt budget, or to
-- blocked while a dependency of it is unfinished (retried too, say): it waits
-- for those again; completed and dead ones count as ended (see waitAgain).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.retry of protocol.ts: the key base, the events setting, the id.
-- Returns 1 when requeued, 0 when the task is absent or not dead.
-- Atomic so that the task leaves dead and enters wait in one step.
--@include time
--@include common
--@include wait-again

local base, evMaxLen, id = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN], ARGV[ARG_ID]
local keys = queueKeys()
local taskKey = base .. K_TASK .. id
local f = redis.call('HMGET', taskKey, R_STATE, R_WAIT_SCORE, R_NAME)
if f[1] ~= S_DEAD or not f[2] then
  return 0
end
if backFromDead(base, keys, nowMs(), evMaxLen, id, taskKey, f[2], f[3]) then wake(keys[KEY_MARK]) end
return 1
