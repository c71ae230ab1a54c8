-- cancel: removes a task that has not started (waiting, delayed or blocked).
-- Its dependents, if any, are told it ended dead (they go dead too unless
-- they were enqueued with dependencyFailure 'run').
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.cancel of protocol.ts: the key base, the events setting, the id, whether remove() called it
--   (the words its dependents' errors give).
-- Returns 1 when removed, 0 when the task is absent or in another state.
-- Atomic so that a worker cannot fetch the task between the state check and the removal.
--@include time
--@include common
--@include dependencies

local base, evMaxLen, id = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN], ARGV[ARG_ID]
local keys = queueKeys()
local taskKey = base .. K_TASK .. id
local f = redis.call('HMGET', taskKey, R_STATE, R_NAME, R_HAS_DEPENDENTS)
if not f[1] then
  -- A compact record: waiting in the wait list, with no other key and no
  -- dependents (a dependent gives a task its record key).
  if redis.call('HDEL', base .. K_COMPACT_RECORDS, id) == 0 then return 0 end
  redis.call('LREM', base .. K_WAIT_LIST, 1, id)
  return 1
elseif f[1] == S_WAITING then
  -- A waiting task is in the wait set, parked while its handler is at its
  -- fleet-wide limit, or in the wait list: looked for in that order, as LREM
  -- reads the list from its front up to the task (O(its place in the list)).
  if redis.call('ZREM', keys[KEY_WAIT], id) == 0
    and not (f[2] and redis.call('ZREM', base .. K_HANDLER_PARKED .. f[2], id) == 1) then
    redis.call('LREM', base .. K_WAIT_LIST, 1, id)
  end
elseif f[1] == S_DELAYED then
  redis.call('ZREM', keys[KEY_DELAYED], id)
elseif f[1] == S_BLOCKED then
  redis.call('ZREM', keys[KEY_BLOCKED], id)
  for _, dep in ipairs(redis.call('SMEMBERS', base .. K_PENDING_DEPENDENCIES .. id)) do
    redis.call('SREM', base .. K_DEPENDENTS .. dep, id)
  end
else
  return 0
end
if f[3] then notifyDependents(base, keys, nowMs(), evMaxLen, id, S_DEAD, ARGV[ARG_REMOVED] == '1' and 'it was removed' or 'it was cancelled', nil) end
deleteTask(base, id)
return 1
