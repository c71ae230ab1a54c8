-- remove-schedule: deletes one schedule's definition and its due-time entry.
-- KEYS: 1 the definition hash ('{prefix:queue}:s:<id>'), 2 the queue's due-time index ('{prefix:queue}:schedules')
-- ARGV: 1 schedule id
-- Returns 1 when a definition was deleted, 0 when there was none.
-- Atomic so that no firing can come between the two: once this returns, no
-- occurrence of the schedule is added (fire-schedule finds no definition).

local existed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return existed
