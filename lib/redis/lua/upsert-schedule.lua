-- upsert-schedule: creates or updates one recurring schedule of a queue.
-- KEYS: SCRIPTS.upsertSchedule of protocol.ts: the schedule's definition hash, the queue's due-time index.
-- ARGV: SCRIPTS.upsertSchedule of protocol.ts: id, task name, payload JSON, cron ('' = none), every ms
--   ('' = none), timezone (''), then the occurrences' policy in record form and their priority ('' = 0), then the first due time
--   (epoch ms) should the timing be new, then the caller's trace context ('' = none).
-- Returns the upsertSchedule reply: next due time, status (0 unchanged, 1 created, 2 updated).
-- An unchanged timing (cron, every, timezone) keeps the stored due time, so a
-- fleet restarting with the same @TaskHandler schedule neither delays nor
-- repeats an occurrence; a changed one starts again from the first due time.
-- Any change bumps the revision, which the firer compares, so it never fires
-- a definition it did not read. Atomic so that two instances upserting at
-- once cannot leave a definition and its index entry disagreeing on the due time.

local defKey, dueKey = KEYS[KEY_DEFINITION], KEYS[KEY_DUE_INDEX]
local id = ARGV[ARG_ID]
local fields = { SD_NAME, SD_PAYLOAD, SD_CRON, SD_EVERY, SD_TIMEZONE, SD_MAX_ATTEMPTS, SD_BACKOFF, SD_TIMEOUT, SD_REMOVE_ON_COMPLETE, SD_REMOVE_ON_DEAD,
  SD_PRIORITY }
local values = { ARGV[ARG_NAME], ARGV[ARG_PAYLOAD], ARGV[ARG_CRON], ARGV[ARG_EVERY], ARGV[ARG_TIMEZONE], ARGV[ARG_MAX_ATTEMPTS],
  ARGV[ARG_BACKOFF], ARGV[ARG_TIMEOUT_MS], ARGV[ARG_REMOVE_ON_COMPLETE], ARGV[ARG_REMOVE_ON_DEAD], ARGV[ARG_PRIORITY] }
local timing = { [SD_CRON] = true, [SD_EVERY] = true, [SD_TIMEZONE] = true }

local stored = redis.call('HMGET', defKey, SD_NEXT, unpack(fields))
-- The caller's trace context is kept for occurrences to link to; it is not part
-- of the definition, so a new one alone is no change (no revision bump).
if ARGV[ARG_TRACE_CONTEXT] ~= '' then redis.call('HSET', defKey, SD_TRACE_CONTEXT, ARGV[ARG_TRACE_CONTEXT]) end
local next, status = ARGV[ARG_FIRST_DUE], 1
local reply = {}
if stored[1] then
  local same, sameTiming = true, true
  for i = 1, #fields do
    -- (A field absent, the priority of a schedule saved by 0.1.0, reads as ''.)
    if (stored[i + 1] or '') ~= values[i] then
      same = false
      if timing[fields[i]] then sameTiming = false end
    end
  end
  if same then
    reply[REPLY_UPSERT_SCHEDULE_NEXT] = stored[1]
    reply[REPLY_UPSERT_SCHEDULE_STATUS] = 0
    return reply
  end
  if sameTiming then next = stored[1] end
  status = 2
end

local set = { SD_NEXT, next }
for i = 1, #fields do
  set[#set + 1] = fields[i]
  set[#set + 1] = values[i]
end
redis.call('HSET', defKey, unpack(set))
redis.call('HINCRBY', defKey, SD_REVISION, 1)
redis.call('ZADD', dueKey, next, id)
reply[REPLY_UPSERT_SCHEDULE_NEXT] = next
reply[REPLY_UPSERT_SCHEDULE_STATUS] = status
return reply
