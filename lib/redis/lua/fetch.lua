-- fetch: takes up to n tasks for one worker (see includes/fetch.lua).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.fetch of protocol.ts: the key base, the events setting, the fetch arguments.
-- Returns the fetch reply.
-- Atomic so that no task is ever both waiting and active, or active without a
-- lease: a crash between pop and lease would lose it.
--@include time
--@include common
--@include dependencies
--@include handover
--@include fetch

return fetchTasks(ARGV[ARG_BASE], queueKeys(), nowMs(), ARGV[ARG_EVENTS_MAX_LEN], fetchArgs())
