-- obliterate: one step of obliterate: removes up to count tasks of the queue with every key they have,
-- then, once no task is left, the queue's own keys (the throughput counters too), its schedules' definitions and its handlers'
-- counters and parked sets. The first step (check '1') refuses while a task of the queue holds an
-- unexpired lease (a worker is running it), and otherwise pauses the queue so that no worker starts a
-- task while the steps run; the last step removes the pause with the rest.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); every other key of the queue is built from the base under the same hash tag.
-- ARGV: SCRIPTS.obliterate of protocol.ts: the key base, the events setting, '1' to check for running
--   tasks first ('' when forced, or after the first step), the most tasks removed.
-- Returns the obliterate reply: OB_REFUSED with the number of running tasks; OB_MORE (call again); or
--   OB_DONE with the ids of the schedules removed, whose entries in the prefix-wide directory (another
--   slot) the caller removes.
-- Every key of a queue is found from its sets (a handler's running counter
-- exists only while its tasks run), so no step scans the keyspace; each step
-- is bounded by the count. Atomic per step so that no task is left with some
-- of its keys.
--@include time
--@include common

local base = ARGV[ARG_BASE]
local keys = queueKeys()
local count = tonumber(ARGV[ARG_COUNT])
local reply = {}
reply[REPLY_OBLITERATE_REMOVED] = 0
reply[REPLY_OBLITERATE_RUNNING] = 0
reply[REPLY_OBLITERATE_SCHEDULES] = ''

if ARGV[ARG_CHECK] == '1' then
  local running = redis.call('ZCOUNT', keys[KEY_ACTIVE], '(' .. int(nowMs()), '+inf')
  if running > 0 then
    reply[REPLY_OBLITERATE_STATUS] = OB_REFUSED
    reply[REPLY_OBLITERATE_RUNNING] = running
    return reply
  end
end
redis.call('SET', keys[KEY_PAUSED], '1')

local removed = 0
-- Removes up to `count - removed` tasks from the front of one sorted set, or of the wait list.
local function removeTasks(key, isList)
  if removed >= count then return end
  local ids = popFront(key, isList, count - removed)
  if isList then callSliced('HDEL', base .. K_COMPACT_RECORDS, ids) end
  for _, id in ipairs(ids) do
    local f = redis.call('HMGET', base .. K_TASK .. id, R_NAME, R_COUNTED_IN_LIMIT)
    if f[2] then redis.call('DEL', base .. K_HANDLER_RUNNING .. f[1]) end
    deleteTask(base, id)
  end
  removed = removed + #ids
end

local parkedNames = redis.call('SMEMBERS', base .. K_PARKED_NAMES)
removeTasks(base .. K_WAIT_LIST, true)
for _, setKey in ipairs({ keys[KEY_WAIT], keys[KEY_DELAYED], keys[KEY_BLOCKED], keys[KEY_ACTIVE], keys[KEY_COMPLETED], keys[KEY_DEAD] }) do removeTasks(setKey, false) end
for _, name in ipairs(parkedNames) do removeTasks(base .. K_HANDLER_PARKED .. name, false) end
reply[REPLY_OBLITERATE_REMOVED] = removed
if removed >= count then
  reply[REPLY_OBLITERATE_STATUS] = OB_MORE
  return reply
end

local schedules = redis.call('ZRANGE', base .. K_SCHEDULES, 0, -1)
for _, id in ipairs(schedules) do redis.call('DEL', base .. K_SCHEDULE .. id) end
for _, name in ipairs(parkedNames) do redis.call('DEL', base .. K_HANDLER_PARKED .. name) end
-- The names live workers advertise and their wake-up markers; a worker still running advertises again at its next heartbeat.
for _, name in ipairs(redis.call('ZRANGE', keys[KEY_HANDLER_NAMES], 0, -1)) do redis.call('DEL', base .. K_HANDLER_MARK .. name) end
redis.call('DEL', keys[KEY_HANDLER_NAMES], keys[KEY_WAIT], keys[KEY_DELAYED], keys[KEY_ACTIVE], keys[KEY_MARK], keys[KEY_DEAD], keys[KEY_COMPLETED], keys[KEY_SEQ], keys[KEY_BLOCKED],
  keys[KEY_PAUSED], keys[KEY_RATE], base .. K_EVENTS, base .. K_WAIT_LIST, base .. K_COMPACT_RECORDS, base .. K_PARKED_NAMES, base .. K_SCHEDULES, base .. K_GAUGES)
-- The per-minute throughput counters of the window they live in (they expire by themselves after it).
local minute = nowMs()
minute = minute - (minute % 60000)
for m = 0, THROUGHPUT_MAX_MINUTES + 1 do redis.call('DEL', base .. K_THROUGHPUT .. int(minute - m * 60000)) end
reply[REPLY_OBLITERATE_STATUS] = OB_DONE
reply[REPLY_OBLITERATE_SCHEDULES] = table.concat(schedules, LIST_SEPARATOR)
return reply
