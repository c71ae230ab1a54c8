-- promote: a delayed task (enqueued with a delay or due time, or waiting out a
-- retry's backoff or a rate limit) becomes waiting now instead of at its due time.
-- It keeps its wait score, so it takes the place in line its enqueue gave it. A
-- retry's latest failed attempt then says its next one was due now, not later.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the task's record and history keys built from the base.
-- ARGV: SCRIPTS.promote of protocol.ts: the key base, the events setting, the id.
-- Returns 1 when moved to waiting, 0 when the task is absent or not delayed.
-- Atomic so that the task leaves delayed and enters wait in one step: a fetch
-- that promotes due tasks cannot move it a second time, nor miss it.
--@include time
--@include common

local base, id = ARGV[ARG_BASE], ARGV[ARG_ID]
local keys = queueKeys()
local taskKey = base .. K_TASK .. id
local f = redis.call('HMGET', taskKey, R_STATE, R_WAIT_SCORE)
if f[1] ~= S_DELAYED or not f[2] then
  return 0
end
local now = nowMs()
redis.call('ZREM', keys[KEY_DELAYED], id)
redis.call('HSET', taskKey, R_STATE, S_WAITING, R_RUN_AT, int(now))

-- A retry waiting out its backoff: its history's last entry has a retry time
-- still to come (a task delayed for another reason has none, or one past).
local historyKey = base .. K_HISTORY .. id
local last = redis.call('LINDEX', historyKey, -1)
local cut = last and string.find(last, LIST_SEPARATOR, 1, true)
if cut then
  local fields = {}
  for field in string.gmatch(string.sub(last, 1, cut - 1) .. HISTORY_FIELD_SEPARATOR, '([^' .. HISTORY_FIELD_SEPARATOR .. ']*)' .. HISTORY_FIELD_SEPARATOR) do
    fields[#fields + 1] = field
  end
  local retryAt = tonumber(fields[H_RETRY_AT])
  if fields[H_OUTCOME] == HO_FAILED and retryAt and retryAt > now then
    fields[H_RETRY_AT] = int(now)
    redis.call('LSET', historyKey, -1, table.concat(fields, HISTORY_FIELD_SEPARATOR) .. string.sub(last, cut))
  end
end

redis.call('ZADD', keys[KEY_WAIT], f[2], id)
wake(keys[KEY_MARK])
return 1
