-- resume: lets the queue's workers start tasks again, and wakes a blocked one
-- (which passes the wake-up on while tasks remain).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.resume of protocol.ts: the key base, the events setting.
-- Returns 1.
-- Atomic so that no worker can see the queue unpaused without the wake-up.
--@include time
--@include common

redis.call('DEL', KEYS[KEY_PAUSED])
wake(KEYS[KEY_MARK])
return 1
