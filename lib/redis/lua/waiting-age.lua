-- waitingAge: how long (ms) the longest-waiting task at the front of its priority level has been due,
-- looking at up to maxLevels priority levels from the highest; -1 when nothing waits. Within one level
-- tasks run in enqueue order, so the front task of each level is the one that has waited longest there
-- (a retried task keeps its place but counts from its new due time).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it reads the wait list's front and the front tasks' records.
-- ARGV: SCRIPTS.waitingAge of protocol.ts: the key base, the events setting, the most levels looked at.
-- Returns the age in ms, or -1.
-- One script so that it costs one round trip and O(levels * log N), never a scan of the queue.
--@include time
--@include common
--@include compact

local base = ARGV[ARG_BASE]
local now = nowMs()
local oldest = -1
local function consider(id)
  local r = redis.call('HMGET', base .. K_TASK .. id, R_RUN_AT, R_ENQUEUED_AT)
  local due = tonumber(r[1]) or tonumber(r[2])
  if not due then
    -- A wait-list task with a compact record: due at its enqueue time.
    local text = redis.call('HGET', base .. K_COMPACT_RECORDS, id)
    local c = text and parseCompact(text)
    due = c and tonumber(c[CR_ENQUEUED_AT])
  end
  if due and now - due > oldest then oldest = math.max(0, now - due) end
end
-- The wait list's front is a front task of priority 0, a level shared with the wait set's entries of priority 0.
local listFront = redis.call('LRANGE', base .. K_WAIT_LIST, 0, 0)[1]
local levels = tonumber(ARGV[ARG_MAX_LEVELS])
local from = '-inf'
while levels > 0 do
  local first = redis.call('ZRANGEBYSCORE', KEYS[KEY_WAIT], from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  local level = first[1] and math.floor(tonumber(first[2]) / 4294967296)
  if listFront and (not level or level >= PRIORITY_ZERO_LEVEL) then
    consider(listFront)
    listFront = nil
    if level ~= PRIORITY_ZERO_LEVEL then levels = levels - 1 end
  end
  if not level or levels == 0 then break end
  consider(first[1])
  levels = levels - 1
  -- The next level starts at the next multiple of 2^32 (see waitScore in common.lua).
  from = int((level + 1) * 4294967296)
end
return oldest
