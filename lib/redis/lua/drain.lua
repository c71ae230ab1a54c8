-- drain: one step of drain: removes up to count waiting tasks (those parked at their handler's fleet-wide
-- limit included) and, when asked, delayed ones; running tasks are not touched. A removed task's
-- dependents are told it ended dead, as cancel does.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.drain of protocol.ts: the key base, the events setting, the most tasks removed, '1' to
--   remove delayed tasks too ('' not).
-- Returns the drain reply: how many were removed, and 1 when some may remain (call again).
-- Each step is bounded by the count; atomic so that a worker cannot fetch a
-- task between its removal from its set and the removal of its keys.
--@include time
--@include common
--@include dependencies

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local keys = queueKeys()
local count = tonumber(ARGV[ARG_COUNT])
local now = nowMs()
local removed = 0

-- Removes up to `count - removed` tasks from the front of one sorted set, or of the wait list.
local function drainFront(key, isList)
  if removed >= count then return end
  local ids = popFront(key, isList, count - removed)
  -- The wait list's tasks with a compact record have no other key (deleteTask's DEL finds nothing for them).
  if isList then callSliced('HDEL', base .. K_COMPACT_RECORDS, ids) end
  for _, id in ipairs(ids) do
    if redis.call('HGET', base .. K_TASK .. id, R_HAS_DEPENDENTS) then
      notifyDependents(base, keys, now, evMaxLen, id, S_DEAD, 'it was drained', nil)
    end
    deleteTask(base, id)
  end
  removed = removed + #ids
end

drainFront(keys[KEY_WAIT], false)
drainFront(base .. K_WAIT_LIST, true)
for _, name in ipairs(redis.call('SMEMBERS', base .. K_PARKED_NAMES)) do drainFront(base .. K_HANDLER_PARKED .. name, false) end
if ARGV[ARG_DELAYED] == '1' then drainFront(keys[KEY_DELAYED], false) end
local reply = {}
reply[REPLY_DRAIN_REMOVED] = removed
reply[REPLY_DRAIN_MORE] = removed >= count and 1 or 0
return reply
