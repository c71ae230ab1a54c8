-- remove-schedule: deletes one schedule's definition and its due-time entry.
-- KEYS: SCRIPTS.removeSchedule of protocol.ts: the definition hash, the queue's due-time index.
-- ARGV: the schedule id.
-- Returns 1 when a definition was deleted, 0 when there was none.
-- Atomic so that no firing can come between the two: once this returns, no
-- occurrence of the schedule is added (fire-schedule finds no definition).

local existed = redis.call('DEL', KEYS[KEY_DEFINITION])
redis.call('ZREM', KEYS[KEY_DUE_INDEX], ARGV[ARG_ID])
return existed
