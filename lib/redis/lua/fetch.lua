-- fetch: takes up to n tasks for one worker (see includes/fetch.lua).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base, 2 events max length, 3 n, 4 worker token, 5 lease ms,
--   6 rate max (0 = none), 7 rate window ms, 8 handler limits ('name=limit;...')
-- Atomic so that no task is ever both waiting and active, or active without a
-- lease: a crash between pop and lease would lose it.
--@include common
--@include fetch

return fetchTasks(ARGV[1], queueKeys(), nowMs(), tonumber(ARGV[2]), fetchArgs(3))
