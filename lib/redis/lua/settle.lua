-- settle: records how a batch of one worker's attempts ended, then fetches
-- that worker's next tasks, all in one call (one round trip and one script run
-- for every task that finished in the same event-loop turn).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.settle of protocol.ts: the key base, the events setting, the completed and dead retention
--   (keep age ms, keep count; count 0 = remove at once), the fetch arguments, then one outcome row per
--   attempt: id, lease token, outcome (OUTCOME), value, delay ms. The value is the result JSON for a
--   completed attempt and the error JSON otherwise; the delay applies to retry and limited outcomes.
-- Returns the settle reply (the settled flags: one '1', '0' or '2' per row, as a string) followed by a fetch
-- reply; '0' means the lease was no longer the caller's (recovered elsewhere), '2' that the task no longer
-- exists (removed, or Redis lost its data): nothing was changed for either.
-- Also counts the batch's completed and failed attempts in the current minute's throughput hash (once per
-- call, not per task) and appends each failed attempt to its task's history list (see attempt-record).
-- Atomic so that the lease check and the state change cannot be split by a
-- recovery of the same task, which would let it be both requeued and finished.
-- Redis keeps a script's writes made before a command it refuses (an ACL rule
-- narrowed while the app runs; bootstrap's access check covers the rule it
-- starts with): the rows are recorded under pcall, and those not recorded get
-- their lease back (see giveBack), so the worker's retry or recovery finds them.
--@include time
--@include common
--@include dependencies
--@include handover
--@include fetch
--@include attempt-record

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local keys = queueKeys()
-- Numbers the worker wrote: arithmetic converts them for less than a call of tonumber.
local keepCompletedAge, keepCompleted = ARGV[ARG_KEEP_COMPLETED_AGE] + 0, ARGV[ARG_KEEP_COMPLETED_COUNT] + 0
local keepDeadAge, keepDead = ARGV[ARG_KEEP_DEAD_AGE] + 0, ARGV[ARG_KEEP_DEAD_COUNT] + 0
local now = nowMs()
-- The time as text, made once and only when a row needs it (string.format is a call of snprintf).
local nowText = nil
local function nowAsText()
  nowText = nowText or int(now)
  return nowText
end
local flags = {}
local completed, dead, requeued = 0, 0, false
-- One command each for the whole batch: the settled ids' removal from the
-- active set, and the keys of the tasks their retention removes at once.
local leaving, doomed, seen = {}, {}, {}
-- Attempts that completed or failed in this batch, for the throughput counters.
local succeeded, failed = 0, 0

-- Puts a task back to run after delay ms (0: at once, in its old place); an
-- attempt not used (rate-limited) is refunded last, after the writes a retry
-- of a settle refused part-way repeats (see giveBack), so no retry refunds it twice.
local function requeue(taskKey, id, delay, err, attemptUsed)
  if delay > 0 then
    local runAt = now + delay
    redis.call('HSET', taskKey, R_STATE, S_DELAYED, R_ERROR, err, R_RUN_AT, int(runAt))
    redis.call('ZADD', keys[KEY_DELAYED], int(runAt), id)
    wakeIfEarliest(keys[KEY_DELAYED], keys[KEY_MARK], id)
  else
    redis.call('HSET', taskKey, R_STATE, S_WAITING, R_ERROR, err, R_RUN_AT, nowAsText())
    redis.call('ZADD', keys[KEY_WAIT], redis.call('HGET', taskKey, R_WAIT_SCORE), id)
    requeued = true
  end
  if not attemptUsed then redis.call('HINCRBY', taskKey, R_ATTEMPTS, -1) end
end

-- Reads first: which rows still hold their lease (a repeated settle of an
-- attempt, its reply lost and the call retried, must find nothing to change:
-- the token goes with the record, or is deleted where the record stays).
local rowAt, rowRecord = {}, {}
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local id = ARGV[i + ROW_ID]
  local f = redis.call('HMGET', base .. K_TASK .. id, R_LEASE_TOKEN, R_NAME, R_COUNTED_IN_LIMIT, R_ATTEMPTS, R_REMOVE_ON_COMPLETE, R_REMOVE_ON_DEAD, R_HAS_DEPENDENTS,
    R_PLAIN, R_PAYLOAD_PART1)
  if f[1] ~= ARGV[i + ROW_TOKEN] or seen[id] then
    -- No record at all (no name): the task is gone, not taken back; the worker says so.
    flags[#flags + 1] = (f[2] or seen[id]) and '0' or '2'
  else
    flags[#flags + 1] = '1'
    seen[id] = true
    leaving[#leaving + 1] = id
    rowAt[#rowAt + 1] = i
    rowRecord[#rowRecord + 1] = f
  end
end
-- The leases end before any other write: ZREM cannot grow memory, so over
-- maxmemory the writes after it go through (see renew.lua), and a settle
-- frees memory rather than being refused. Rows a refused write stops get their
-- lease back (giveBack); those recorded are never in the active set again,
-- where recovery would run them again.
callSliced('ZREM', keys[KEY_ACTIVE], leaving)

-- Rows whose every write went through; the ids of those among them whose keys
-- the DEL after the loop removes (until it has run, they are not recorded).
local recorded, doomedIds = 0, {}
local function recordRows()
  for k = 1, #rowAt do
    local i, f = rowAt[k], rowRecord[k]
    local id, outcome, value = ARGV[i + ROW_ID], ARGV[i + ROW_OUTCOME], ARGV[i + ROW_VALUE]
    local taskKey = base .. K_TASK .. id
    if f[3] then releaseHandlerSlot(base, keys, taskKey, f[2]) end
    if outcome == O_COMPLETED then
      succeeded = succeeded + 1
      emit(base, evMaxLen, taskKey, T_COMPLETED, id, f[2], f[4], value)
      if f[7] then notifyDependents(base, keys, now, evMaxLen, id, S_COMPLETED, value, nil) end
      local remove, age, count = ownRetention(f[5], keepCompletedAge, keepCompleted)
      if remove or count == 0 then
        addRemovedTaskKeys(doomed, base, id, taskKey, f[8], f[7], f[9])
        doomedIds[#doomedIds + 1] = id
      else
        redis.call('HSET', taskKey, R_STATE, S_COMPLETED, R_FINISHED_AT, nowAsText(), R_RESULT, value)
        redis.call('ZADD', keys[KEY_COMPLETED], nowAsText(), id)
        if f[5] then trim(base, keys[KEY_COMPLETED], now, age, count, 1) else completed = completed + 1 end
        redis.call('HDEL', taskKey, R_LEASE_TOKEN)
      end
    elseif outcome == O_RETRY or outcome == O_LIMITED then
      emit(base, evMaxLen, taskKey, T_RETRYING, id, f[2], f[4], value)
      if outcome == O_RETRY then
        failed = failed + 1
        recordFailedAttempt(base, taskKey, id, now, now + tonumber(ARGV[i + ROW_DELAY_MS]), value)
      end
      requeue(taskKey, id, tonumber(ARGV[i + ROW_DELAY_MS]), value, outcome == O_RETRY)
      redis.call('HDEL', taskKey, R_LEASE_TOKEN)
    else
      failed = failed + 1
      emit(base, evMaxLen, taskKey, T_DEAD, id, f[2], f[4], value)
      if f[7] then
        local ok, decoded = pcall(cjson.decode, value)
        notifyDependents(base, keys, now, evMaxLen, id, S_DEAD, ok and type(decoded) == 'table' and decoded.message or '',
          { age = keepDeadAge, count = keepDead })
      end
      local remove, age, count = ownRetention(f[6], keepDeadAge, keepDead)
      -- Count 0 removes at once, as for completed tasks: added to the dead set, it
      -- would trim that set to nothing, taking tasks whose own retention keeps them.
      if remove or count == 0 then
        addRemovedTaskKeys(doomed, base, id, taskKey, f[8], f[7], f[9])
        doomedIds[#doomedIds + 1] = id
      else
        recordFailedAttempt(base, taskKey, id, now, nil, value)
        redis.call('HSET', taskKey, R_STATE, S_DEAD, R_ERROR, value, R_FINISHED_AT, nowAsText())
        redis.call('ZADD', keys[KEY_DEAD], nowAsText(), id)
        if f[6] then trim(base, keys[KEY_DEAD], now, age, count, 1) else dead = dead + 1 end
        redis.call('HDEL', taskKey, R_LEASE_TOKEN)
      end
    end
    recorded = k
  end
  callSliced('DEL', nil, doomed)
end

-- After a refused write: the rows not recorded go back to the active set, on a
-- lease from now, and the error goes to the worker. It retries the settle for
-- up to a lease, and then recovery takes back what is left, counting the
-- attempt; without this they would stay active in no set that either reads. A
-- row's token is its last write, so a row stopped part-way still holds its
-- lease, and the retry that gets through records it rather than the handler
-- running again; each try writes again what came before the refused command
-- (the row's event first of all). What a refused write leaves half done beside
-- the row (a handler's fleet-wide count, a dependent half unblocked) is not mended.
local function giveBack(err)
  if requeued then pcall(wake, keys[KEY_MARK]) end
  local back, expiry = {}, int(now + (tonumber(ARGV[ARG_LEASE_MS]) or 0))
  if not pcall(callSliced, 'DEL', nil, doomed) then
    for _, id in ipairs(doomedIds) do back[#back + 1] = expiry; back[#back + 1] = id end
  end
  for k = recorded + 1, #rowAt do back[#back + 1] = expiry; back[#back + 1] = ARGV[rowAt[k] + ROW_ID] end
  pcall(callSliced, 'ZADD', keys[KEY_ACTIVE], back)
  if type(err) == 'table' then return err end
  return { err = tostring(err) }
end

local ok, err = pcall(recordRows)
if not ok then return giveBack(err) end
-- The rows are recorded: what follows is upkeep, and a write Redis refuses in it
-- must not send an error back, which would have the worker retry outcomes already
-- taken. Redis' refusal is its error code and words ('ERR ...', 'NOPERM ...'),
-- or a table holding them; a fault of the script itself ('user_script:12: ...') still goes back.
local upkept, upkeepError = pcall(function()
  if requeued then wake(keys[KEY_MARK]) end
  if completed > 0 then trim(base, keys[KEY_COMPLETED], now, keepCompletedAge, keepCompleted, completed) end
  if dead > 0 then trim(base, keys[KEY_DEAD], now, keepDeadAge, keepDead, dead) end
  countThroughput(base, now, succeeded, failed)
end)
if not upkept and type(upkeepError) ~= 'table' and not string.match(tostring(upkeepError), '^%u+ ') then error(upkeepError) end

local reply = fetchTasks(base, keys, now, evMaxLen, fetchArgs())
table.insert(reply, REPLY_SETTLE_SETTLED, table.concat(flags))
return reply
