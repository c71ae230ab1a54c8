-- renew: extends the leases of every task one worker is running, in one call,
-- and reports the tasks still leased to this worker that it did not name.
-- Those are either leased by a fetch whose reply was lost (a dropped
-- connection, a Redis restart), which the worker hands back with release so
-- that they do not sit out their lease and lose an attempt they never used,
-- or tasks it ran and whose recorded outcome the store then lost (a failover
-- to a replica the settle had not reached): the worker tells them apart by
-- what it remembers settling. A task the worker ran but could not record the
-- outcome of is listed too, not to be extended: its lease runs out and
-- recovery counts the attempt.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); it reads the per-task records built from the base, under the same hash tag.
-- ARGV: SCRIPTS.renew of protocol.ts: the key base, the events setting, the lease ms, the worker token, the
--   orphan age ms (a lease this old that the worker did not name is reported; younger ones may still be in
--   a reply on its way), then one lease row per task the worker holds (extend '1') or ran without
--   recording the outcome (extend '0').
-- Returns the renew reply: ids of rows whose lease is no longer this worker's, then the unnamed leases as
--   id, token, startedAt triples.
-- Atomic so that a lease is only extended while the caller still holds it.
--@include time
--@include common

local base = ARGV[ARG_BASE]
local keys = queueKeys()
local now = nowMs()
local expiry = int(now + tonumber(ARGV[ARG_LEASE_MS]))
local prefix = ARGV[ARG_WORKER_TOKEN] .. LEASE_TOKEN_SEPARATOR
local orphanBefore = now - tonumber(ARGV[ARG_ORPHAN_AGE_MS])
local lost, held = {}, {}
-- Over maxmemory, Redis refuses a script whose first write is one that may
-- grow memory (ZADD), but not one that begins with a write that cannot (ZREM;
-- no task id is empty, so this one removes nothing). Extending a lease only
-- rescores a member, and refusing it while fetches and recovery go on would
-- have recovery take back tasks that are running fine, charging an attempt
-- each lease, until they end dead.
redis.call('ZREM', keys[KEY_ACTIVE], '')
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local id = ARGV[i + ROW_ID]
  held[id] = true
  if redis.call('HGET', base .. K_TASK .. id, R_LEASE_TOKEN) == ARGV[i + ROW_TOKEN] then
    if ARGV[i + ROW_EXTEND] == '1' then redis.call('ZADD', keys[KEY_ACTIVE], 'XX', expiry, id) end
  else
    lost[#lost + 1] = id
  end
end

local unnamed = {}
-- Bounded scan: the active set holds at most the fleet's running tasks.
for _, id in ipairs(redis.call('ZRANGE', keys[KEY_ACTIVE], 0, 4999)) do
  if not held[id] then
    local f = redis.call('HMGET', base .. K_TASK .. id, R_LEASE_TOKEN, R_STARTED_AT)
    local startedAt = tonumber(f[2]) or 0
    if f[1] and string.sub(f[1], 1, #prefix) == prefix and startedAt < orphanBefore then
      unnamed[#unnamed + 1] = id
      unnamed[#unnamed + 1] = f[1]
      unnamed[#unnamed + 1] = f[2] or '0'
    end
  end
end
local reply = {}
reply[REPLY_RENEW_LOST] = lost
reply[REPLY_RENEW_ORPHANS] = unnamed
return reply
