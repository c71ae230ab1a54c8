-- watch: marks a task as awaited, so its final state is published, and returns
-- its state now.
-- KEYS: 1 task record
-- ARGV: none
-- Returns nil when the task does not exist, else { state, result, error }.
-- Atomic so that a task finishing between the flag and the read cannot be missed.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
redis.call('HSET', KEYS[1], 'wt', '1')
local f = redis.call('HMGET', KEYS[1], 's', 'res', 'err')
return { f[1], f[2] or '', f[3] or '' }
