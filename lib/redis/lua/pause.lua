-- pause: stops every worker of the queue from starting tasks; running ones finish.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.pause of protocol.ts: the key base, the events setting.
-- Returns 1. One key; a script like the others so pause and resume share their shape.

redis.call('SET', KEYS[KEY_PAUSED], '1')
return 1
