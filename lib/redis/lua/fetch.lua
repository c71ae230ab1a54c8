-- fetch: takes up to n tasks for one worker (see includes/fetch.lua).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq
-- ARGV: 1 key base, 2 n, 3 worker token, 4 lease ms
-- Atomic so that no task is ever both waiting and active, or active without a
-- lease: a crash between pop and lease would lose it.
--@include common
--@include fetch

return fetchTasks(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5],
  tonumber(ARGV[2]), nowMs(), ARGV[3], tonumber(ARGV[4]))
