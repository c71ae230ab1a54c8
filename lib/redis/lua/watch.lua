-- watch: marks a task as awaited, so its final event is written to the
-- queue's stream even when the queue's events are off, and returns its state
-- now with the stream's last entry id (a reader starting there misses nothing).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 id
-- Returns nil when the task does not exist, else { state, result, error, last event id }.
-- Atomic so that a task finishing between the flag and the read cannot be missed.

local taskKey = ARGV[1] .. 't:' .. ARGV[3]
if redis.call('EXISTS', taskKey) == 0 then
  return nil
end
redis.call('HSET', taskKey, 'wt', '1')
local f = redis.call('HMGET', taskKey, 's', 'res', 'err')
local last = redis.call('XREVRANGE', ARGV[1] .. 'events', '+', '-', 'COUNT', 1)
return { f[1], f[2] or '', f[3] or '', last[1] and last[1][1] or '0-0' }
