-- clean: one step of clean: removes up to count completed or dead tasks (the oldest first) that finished
-- at or before the cutoff.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it also touches the per-task keys built from the base.
-- ARGV: SCRIPTS.clean of protocol.ts: the key base, the events setting, the state letter (S_COMPLETED or
--   S_DEAD), the cutoff (epoch ms; finished at or before it), the most tasks removed.
-- Returns the clean reply: the ids removed (LIST_SEPARATOR-joined) and how many.
-- Each step is bounded by the count; atomic so that a task's keys go with its
-- entry in the finished set (retention never finds one without the other).
--@include time
--@include common

local base = ARGV[ARG_BASE]
local setKey = ARGV[ARG_STATE] == S_DEAD and KEYS[KEY_DEAD] or KEYS[KEY_COMPLETED]
local ids = redis.call('ZRANGEBYSCORE', setKey, '-inf', ARGV[ARG_CUTOFF], 'LIMIT', 0, tonumber(ARGV[ARG_COUNT]))
for _, id in ipairs(ids) do
  redis.call('ZREM', setKey, id)
  deleteTask(base, id)
end
local reply = {}
reply[REPLY_CLEAN_IDS] = table.concat(ids, LIST_SEPARATOR)
reply[REPLY_CLEAN_REMOVED] = #ids
return reply
