-- renew: extends the leases of every task one worker is running, in one call,
-- and hands back tasks leased to this worker that it does not know it holds.
-- The latter happens when a fetch ran but its reply was lost (a dropped
-- connection, a Redis restart): without this they would sit out their lease
-- and then lose an attempt they never used. A task the worker ran but could
-- not record the outcome of is listed too, not to be extended: it is no
-- orphan (its attempt was used), so its lease runs out and recovery counts it.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.renew of protocol.ts: the key base, the events setting, the lease ms, the worker token, the
--   orphan age ms (a lease this old that the worker does not hold is an orphan; younger ones may still be in
--   a reply on its way), then one lease row per task the worker holds (extend '1') or ran without
--   recording the outcome (extend '0').
-- Returns the renew reply: ids of rows whose lease is no longer this worker's, number of orphans handed back.
-- Atomic so that a lease is only extended, or an orphan only handed back,
-- while the caller still holds it.
--@include time
--@include common
--@include hand-back

local base = ARGV[ARG_BASE]
local keys = queueKeys()
local now = nowMs()
local expiry = int(now + tonumber(ARGV[ARG_LEASE_MS]))
local prefix = ARGV[ARG_WORKER_TOKEN] .. LEASE_TOKEN_SEPARATOR
local orphanBefore = now - tonumber(ARGV[ARG_ORPHAN_AGE_MS])
local lost, held = {}, {}
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local id = ARGV[i + ROW_ID]
  held[id] = true
  if redis.call('HGET', base .. K_TASK .. id, R_LEASE_TOKEN) == ARGV[i + ROW_TOKEN] then
    if ARGV[i + ROW_EXTEND] == '1' then redis.call('ZADD', keys[KEY_ACTIVE], 'XX', expiry, id) end
  else
    lost[#lost + 1] = id
  end
end

local released = 0
-- Bounded scan: the active set holds at most the fleet's running tasks.
for _, id in ipairs(redis.call('ZRANGE', keys[KEY_ACTIVE], 0, 4999)) do
  if not held[id] then
    local f = redis.call('HMGET', base .. K_TASK .. id, R_LEASE_TOKEN, R_STARTED_AT, R_WAIT_SCORE, R_NAME, R_COUNTED_IN_LIMIT)
    if f[1] and string.sub(f[1], 1, #prefix) == prefix and (tonumber(f[2]) or 0) < orphanBefore and f[3] then
      handBack(base, keys, id, { ws = f[3], name = f[4], counted = f[5] })
      released = released + 1
    end
  end
end
if released > 0 then wake(keys[KEY_MARK]) end
local reply = {}
reply[REPLY_RENEW_LOST] = lost
reply[REPLY_RENEW_ORPHANS] = released
return reply
