-- fire-schedule: adds the occurrence of a schedule that is due and moves the schedule to its next due time.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (the queue's keys, as enqueue takes them), 11 the schedule's definition hash, 12 the queue's due-time index
-- ARGV: 1 key base, 2 events max length, 3 schedule id, 4 due time the caller read (epoch ms),
--   5 revision the caller read, 6 next due time the caller computed from that revision ('' = none: the schedule ends)
-- Returns { 1, added } when this call fired the occurrence (added: 1, or 0 when its task id already existed),
--   { 0, 0 } when the schedule is gone, not due yet, or changed since the caller read it: someone else fired it.
-- The compare-and-set on (due time, revision) is what makes a fleet of firers
-- enqueue each occurrence once: they all read the same due time, the first
-- call moves it, and the rest find it moved. The occurrence's task id is
-- '<schedule id>@<due time>', so even a repeated add is a no-op while that task
-- exists. Atomic so that the check, the add and the move cannot interleave with
-- another firer, schedule() or unschedule().
--@include common
--@include add-task

local base, evMaxLen, id, due, rev, nextDue = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local keys = queueKeys()
local defKey, dueKey = KEYS[11], KEYS[12]

local def = redis.call('HMGET', defKey, 'nx', 'v', 'n', 'd', 'm', 'b', 'to', 'rc', 'rd')
if def[1] ~= due or def[2] ~= rev then return { 0, 0 } end
local now = nowMs()
if tonumber(due) > now then return { 0, 0 } end

local t = {
  id = id .. '@' .. due, name = def[3], payload = def[4], priority = 0, delayMs = 0, runAt = '',
  maxAttempts = def[5], backoff = def[6], timeout = def[7], deps = '', depFailure = '',
  removeOnComplete = def[8], removeOnDead = def[9],
}
local added, state = addTask(base, keys, now, evMaxLen, t)
if state == 'w' then wake(keys.mark) end

if nextDue == '' then
  redis.call('DEL', defKey)
  redis.call('ZREM', dueKey, id)
else
  redis.call('HSET', defKey, 'nx', nextDue)
  redis.call('ZADD', dueKey, nextDue, id)
end
return { 1, added == 1 and 1 or 0 }
