-- fire-schedule: adds the occurrence of a schedule that is due and moves the schedule to its next due time.
-- KEYS: SCRIPTS.fireSchedule of protocol.ts: the queue's keys (as enqueue takes them), then the schedule's
--   definition hash and the queue's due-time index.
-- ARGV: SCRIPTS.fireSchedule of protocol.ts: the key base, the events setting, the schedule id, the due
--   time the caller read (epoch ms), the revision the caller read, the next due time the caller computed
--   from that revision ('' = none: the schedule ends).
-- Returns the fireSchedule reply: fired (1 when this call fired the occurrence, 0 when the schedule is gone,
--   not due yet, or changed since the caller read it: someone else fired it), added (1, or 0 when the
--   occurrence's task id already existed).
-- The compare-and-set on (due time, revision) is what makes a fleet of firers
-- enqueue each occurrence once: they all read the same due time, the first
-- call moves it, and the rest find it moved. The occurrence's task id is
-- '<schedule id>@<due time>', so even a repeated add is a no-op while that task
-- exists. Atomic so that the check, the add and the move cannot interleave with
-- another firer, schedule() or unschedule().
--@include time
--@include common
--@include add-task

local base, evMaxLen, id = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN], ARGV[ARG_ID]
local due, rev, nextDue = ARGV[ARG_DUE], ARGV[ARG_REVISION], ARGV[ARG_NEXT_DUE]
local keys = queueKeys()
local defKey, dueKey = KEYS[KEY_DEFINITION], KEYS[KEY_DUE_INDEX]
local reply = {}
reply[REPLY_FIRE_SCHEDULE_FIRED] = 0
reply[REPLY_FIRE_SCHEDULE_ADDED] = 0

local def = redis.call('HMGET', defKey, SD_NEXT, SD_REVISION, SD_NAME, SD_PAYLOAD, SD_MAX_ATTEMPTS, SD_BACKOFF, SD_TIMEOUT,
  SD_REMOVE_ON_COMPLETE, SD_REMOVE_ON_DEAD, SD_TRACE_CONTEXT, SD_PRIORITY)
if def[1] ~= due or def[2] ~= rev then return reply end
local now = nowMs()
if tonumber(due) > now then return reply end

local o = {
  name = def[3], priority = tonumber(def[11]) or 0, delayMs = 0, runAt = '',
  maxAttempts = def[5], backoff = def[6], timeoutMs = def[7], dependsOn = '', dependencyFailure = '',
  removeOnComplete = def[8], removeOnDead = def[9],
  -- An occurrence starts a trace of its own, linked to the schedule() call that made it (see docs/observability.md).
  traceLink = def[10],
}
local batch = newAddBatch(now, evMaxLen)
local added, state = addTask(base, keys, now, evMaxLen, id .. OCCURRENCE_SEPARATOR .. due, def[4], nil, o, redis.call('INCR', keys[KEY_SEQ]), batch)
flushAdds(base, keys, batch)
if state == S_WAITING then wake(keys[KEY_MARK]) end

if nextDue == '' then
  redis.call('DEL', defKey)
  redis.call('ZREM', dueKey, id)
else
  redis.call('HSET', defKey, SD_NEXT, nextDue)
  redis.call('ZADD', dueKey, nextDue, id)
end
reply[REPLY_FIRE_SCHEDULE_FIRED] = 1
reply[REPLY_FIRE_SCHEDULE_ADDED] = added == 1 and 1 or 0
return reply
