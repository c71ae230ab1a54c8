-- resume: lets the queue's workers start tasks again, and wakes a blocked one
-- (which passes the wake-up on while tasks remain).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length
-- Returns 1.
-- Atomic so that no worker can see the queue unpaused without the wake-up.
--@include common

redis.call('DEL', KEYS[9])
wake(KEYS[4])
return 1
