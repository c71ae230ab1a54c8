-- release: hands leased tasks back to waiting, in their old place, without
-- counting the attempt: at shutdown, the attempts cut short; after a renewal,
-- the leases of fetch replies the worker never received.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.release of protocol.ts: the key base, the events setting, then one lease row per task: its
--   id, its token and, when not '', the store time the lease started (a lease reported by a renewal). Tokens
--   end with that start now; a token of an earlier build did not, and a task handed back and fetched again
--   by such a worker had the same token under another start: the start still tells them apart.
-- Returns the number of tasks handed back.
-- Atomic so that a task is never out of active without being back in wait, and is handed back only under
-- the lease named.
--@include time
--@include common
--@include hand-back

local base = ARGV[ARG_BASE]
local keys = queueKeys()
local released = 0
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local id = ARGV[i + ROW_ID]
  local f = redis.call('HMGET', base .. K_TASK .. id, R_LEASE_TOKEN, R_WAIT_SCORE, R_NAME, R_COUNTED_IN_LIMIT, R_STARTED_AT)
  local startedAt = ARGV[i + ROW_STARTED_AT]
  if f[1] == ARGV[i + ROW_TOKEN] and f[2] and (startedAt == '' or f[5] == startedAt) then
    handBack(base, keys, id, { ws = f[2], name = f[3], counted = f[4] })
    released = released + 1
  end
end
if released > 0 then wake(keys[KEY_MARK]) end
return released
