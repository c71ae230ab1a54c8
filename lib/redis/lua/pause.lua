-- pause: stops every worker of the queue from starting tasks; running ones finish.
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length
-- Returns 1. One key; a script like the others so pause and resume share their shape.

redis.call('SET', KEYS[9], '1')
return 1
