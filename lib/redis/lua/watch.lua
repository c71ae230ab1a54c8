-- watch: marks a task as awaited, so its final event is written to the
-- queue's stream even when the queue's events are off, and returns its state
-- now with the stream's last entry id (a reader starting there misses nothing).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.watch of protocol.ts: the key base, the events setting, the id.
-- Returns the watch reply: state letter, result JSON, error JSON, last event id; for a task that no longer
--   exists, the same from its final event when one of the stream's newest WATCH_EVENT_SCAN entries is
--   it (a task removed at once as it finished, which can happen before its producer even hears back
--   from the enqueue), else nil.
-- Atomic so that a task finishing between the flag and the read cannot be missed.
-- A task with a compact record gets its record key first, to hold the flag.
--@include time
--@include common
--@include compact

local taskKey = ARGV[ARG_BASE] .. K_TASK .. ARGV[ARG_ID]
local stream = ARGV[ARG_BASE] .. K_EVENTS
local reply = {}
if redis.call('EXISTS', taskKey) == 0 and not expandCompact(ARGV[ARG_BASE], ARGV[ARG_ID]) then
  -- Final events are single entries (never grouped): fields in the order emit writes them.
  local recent = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', WATCH_EVENT_SCAN)
  for _, entry in ipairs(recent) do
    local f = entry[2]
    if f[4] == ARGV[ARG_ID] and f[3] == E_ID and f[1] == E_TYPE and (f[2] == T_COMPLETED or f[2] == T_DEAD) then
      local value = ''
      for i = 5, #f - 1, 2 do
        if f[i] == E_VALUE then value = f[i + 1] end
      end
      reply[REPLY_WATCH_STATE] = f[2] == T_COMPLETED and S_COMPLETED or S_DEAD
      reply[REPLY_WATCH_RESULT] = f[2] == T_COMPLETED and value or ''
      reply[REPLY_WATCH_ERROR] = f[2] == T_DEAD and value or ''
      reply[REPLY_WATCH_LAST_EVENT_ID] = recent[1][1]
      return reply
    end
  end
  return nil
end
redis.call('HSET', taskKey, R_AWAITED, '1')
local f = redis.call('HMGET', taskKey, R_STATE, R_RESULT, R_ERROR)
local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
reply[REPLY_WATCH_STATE] = f[1]
reply[REPLY_WATCH_RESULT] = f[2] or ''
reply[REPLY_WATCH_ERROR] = f[3] or ''
reply[REPLY_WATCH_LAST_EVENT_ID] = last[1] and last[1][1] or '0-0'
return reply
