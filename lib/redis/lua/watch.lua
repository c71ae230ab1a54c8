-- watch: marks a task as awaited, so its final event is written to the
-- queue's stream even when the queue's events are off, and returns its state
-- now with the stream's last entry id (a reader starting there misses nothing).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.watch of protocol.ts: the key base, the events setting, the id.
-- Returns nil when the task does not exist, else the watch reply: state letter, result JSON, error JSON,
--   last event id.
-- Atomic so that a task finishing between the flag and the read cannot be missed.

local taskKey = ARGV[ARG_BASE] .. K_TASK .. ARGV[ARG_ID]
if redis.call('EXISTS', taskKey) == 0 then
  return nil
end
redis.call('HSET', taskKey, R_AWAITED, '1')
local f = redis.call('HMGET', taskKey, R_STATE, R_RESULT, R_ERROR)
local last = redis.call('XREVRANGE', ARGV[ARG_BASE] .. K_EVENTS, '+', '-', 'COUNT', 1)
local reply = {}
reply[REPLY_WATCH_STATE] = f[1]
reply[REPLY_WATCH_RESULT] = f[2] or ''
reply[REPLY_WATCH_ERROR] = f[3] or ''
reply[REPLY_WATCH_LAST_EVENT_ID] = last[1] and last[1][1] or '0-0'
return reply
