-- upsert-schedule: creates or updates one recurring schedule of a queue.
-- KEYS: 1 the schedule's definition hash ('{prefix:queue}:s:<id>'), 2 the queue's due-time index ('{prefix:queue}:schedules')
-- ARGV: 1 schedule id, 2 task name, 3 payload JSON, 4 cron ('' = none), 5 every ms ('' = none), 6 timezone (''),
--   7 max attempts, 8 backoff ('' | 'f,<delay>' | 'e,<delay>[,<max>]'), 9 timeout ms,
--   10 remove on complete, 11 remove on dead (see enqueue.lua), 12 first due time (epoch ms) should the timing be new
-- Returns { next due time, 0 unchanged | 1 created | 2 updated }.
-- An unchanged timing (cron, every, timezone) keeps the stored due time, so a
-- fleet restarting with the same @TaskHandler schedule neither delays nor
-- repeats an occurrence; a changed one starts again from ARGV[12]. Any change
-- bumps the revision 'v', which the firer compares, so it never fires a
-- definition it did not read. Atomic so that two instances upserting at once
-- cannot leave a definition and its index entry disagreeing on the due time.

local defKey, dueKey = KEYS[1], KEYS[2]
local id = ARGV[1]
local fields = { 'n', 'd', 'cr', 'ev', 'tz', 'm', 'b', 'to', 'rc', 'rd' }
local values = { ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11] }

local stored = redis.call('HMGET', defKey, 'nx', unpack(fields))
local next, status = ARGV[12], 1
if stored[1] then
  local same, sameTiming = true, true
  for i = 1, #fields do
    if stored[i + 1] ~= values[i] then
      same = false
      if fields[i] == 'cr' or fields[i] == 'ev' or fields[i] == 'tz' then sameTiming = false end
    end
  end
  if same then return { stored[1], 0 } end
  if sameTiming then next = stored[1] end
  status = 2
end

local set = { 'nx', next }
for i = 1, #fields do
  set[#set + 1] = fields[i]
  set[#set + 1] = values[i]
end
redis.call('HSET', defKey, unpack(set))
redis.call('HINCRBY', defKey, 'v', 1)
redis.call('ZADD', dueKey, next, id)
return { next, status }
