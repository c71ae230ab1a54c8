-- release: hands tasks back to waiting at shutdown, in their old place, without
-- counting the attempt that was cut short.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.release of protocol.ts: the key base, the events setting, then one lease row per task.
-- Returns the number of tasks handed back.
-- Atomic so that a task is never out of active without being back in wait.
--@include time
--@include common
--@include hand-back

local base = ARGV[ARG_BASE]
local keys = queueKeys()
local released = 0
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local id = ARGV[i + ROW_ID]
  local f = redis.call('HMGET', base .. K_TASK .. id, R_LEASE_TOKEN, R_WAIT_SCORE, R_NAME, R_COUNTED_IN_LIMIT)
  if f[1] == ARGV[i + ROW_TOKEN] and f[2] then
    handBack(base, keys, id, { ws = f[2], name = f[3], counted = f[4] })
    released = released + 1
  end
end
if released > 0 then wake(keys[KEY_MARK]) end
return released
