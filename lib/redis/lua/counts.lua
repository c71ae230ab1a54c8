-- counts: how many tasks of the queue are in each state, in one consistent snapshot.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.counts of protocol.ts: the key base, the events setting.
-- Returns the counts reply; waiting includes tasks parked while their handler is at its fleet-wide limit.
-- Atomic so that the counts add up: no task is counted in two states or in none.
--@include waiting-count

local reply = {}
reply[REPLY_COUNTS_WAITING] = waitingCount(ARGV[ARG_BASE], KEYS[KEY_WAIT])
reply[REPLY_COUNTS_DELAYED] = redis.call('ZCARD', KEYS[KEY_DELAYED])
reply[REPLY_COUNTS_ACTIVE] = redis.call('ZCARD', KEYS[KEY_ACTIVE])
reply[REPLY_COUNTS_COMPLETED] = redis.call('ZCARD', KEYS[KEY_COMPLETED])
reply[REPLY_COUNTS_DEAD] = redis.call('ZCARD', KEYS[KEY_DEAD])
reply[REPLY_COUNTS_BLOCKED] = redis.call('ZCARD', KEYS[KEY_BLOCKED])
reply[REPLY_COUNTS_PAUSED] = redis.call('EXISTS', KEYS[KEY_PAUSED])
return reply
