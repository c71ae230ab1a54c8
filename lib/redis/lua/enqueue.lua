-- enqueue: adds a batch of tasks to one queue (see includes/add-task.lua).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.enqueue of protocol.ts: the key base, the events setting, then one enqueue row per task
--   (id, payload and payload tail: the payload whole with an empty tail, or split by the producer in its
--   two record parts; its ENQUEUE_OPTIONS packed in one string, or '' for those of the row before it).
-- Returns the enqueue reply (a row per task not added: its row number and 0, the id existed: nothing
--   changed, or an error message; no rows when every task was added), or the enqueueRefused reply when a
--   dependency is missing: then nothing at all was written.
-- Atomic because a task's record, payload, place in its set and dependency
-- edges must appear together: a half-added task would be invisible to workers
-- yet hold its id forever.
--@include time
--@include common
--@include add-task

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local keys = queueKeys()
local now = nowMs()

-- The tasks of a batch mostly share their options: each distinct packed string is parsed once.
local parsed = {}
local function optionsOf(packed)
  local o = parsed[packed]
  if o then return o end
  local v = { string.match(packed, EO_PATTERN) }
  if not v[1] then error('enqueue: a packed options string without the fields of this script version') end
  -- The producer writes both as integers; arithmetic converts them without a call of tonumber.
  o = {
    name = v[EO_NAME], priority = v[EO_PRIORITY] + 0, delayMs = v[EO_DELAY_MS] + 0, runAt = v[EO_RUN_AT],
    maxAttempts = v[EO_MAX_ATTEMPTS], backoff = v[EO_BACKOFF], timeoutMs = v[EO_TIMEOUT_MS],
    dependsOn = v[EO_DEPENDS_ON], dependencyFailure = v[EO_DEPENDENCY_FAILURE],
    removeOnComplete = v[EO_REMOVE_ON_COMPLETE], removeOnDead = v[EO_REMOVE_ON_DEAD], traceContext = v[EO_TRACE_CONTEXT],
  }
  parsed[packed] = o
  return o
end

-- All or nothing: every dependency must exist (or be added earlier in this
-- call) before anything is written. The same pass gathers the task keys, so
-- one EXISTS tells whether any id is taken (rarely: ids are random unless the
-- caller chose them), instead of one per task.
local seen, taskKeys, rowOptions, repeated = {}, {}, {}, false
local o = nil
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  local packed = ARGV[i + ROW_OPTIONS]
  -- '' (the options of the row before): the first row always carries its own, or optionsOf refuses the call.
  if packed ~= '' or not o then o = optionsOf(packed) end
  rowOptions[#rowOptions + 1] = o
  local id = ARGV[i + ROW_ID]
  local dependsOn = o.dependsOn
  -- A row whose task exists adds nothing and is answered with its ref, whatever it
  -- depends on: a re-send must not fail once retention removed a dependency.
  if dependsOn ~= '' and (seen[id] or redis.call('EXISTS', base .. K_TASK .. id) == 1
    or redis.call('HEXISTS', base .. K_COMPACT_RECORDS, id) == 1) then
    dependsOn = ''
  end
  if dependsOn ~= '' then
    for dep in string.gmatch(dependsOn, '[^' .. LIST_SEPARATOR .. ']+') do
      if not seen[dep] and redis.call('EXISTS', base .. K_TASK .. dep) == 0
        and redis.call('HEXISTS', base .. K_COMPACT_RECORDS, dep) == 0 then
        local refused = {}
        refused[REPLY_ENQUEUE_REFUSED_MARKER] = ENQUEUE_REFUSED
        refused[REPLY_ENQUEUE_REFUSED_MESSAGE] = 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by remove() or retention)'
        refused[REPLY_ENQUEUE_REFUSED_INDEX] = (i - ROW_FIRST) / ROW_WIDTH + 1
        return refused
      end
    end
  end
  if seen[id] then repeated = true end
  seen[id] = true
  taskKeys[#taskKeys + 1] = base .. K_TASK .. id
end
local rows = #taskKeys
local taken = 0
for k = 1, rows, 1000 do
  taken = taken + redis.call('EXISTS', unpack(taskKeys, k, math.min(k + 999, rows)))
end

-- One sequence number per row, reserved at once; a row not added leaves a gap, which FIFO order does not mind.
-- INCR for one row: INCRBY's count would be a Lua number turned into text (snprintf) on every call.
local seq = 0
if rows == 1 then
  seq = redis.call('INCR', keys[KEY_SEQ]) - 1
elseif rows > 1 then
  seq = redis.call('INCRBY', keys[KEY_SEQ], rows) - rows
end
local batch = newAddBatch(now, evMaxLen)
batch.fresh = taken == 0 and not repeated
local out = {}
local row = REPLY_ENQUEUE_ROW_FIRST
local waited, earliest = false, nil
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  seq = seq + 1
  local result, state, runAt = addTask(base, keys, now, evMaxLen, ARGV[i + ROW_ID], ARGV[i + ROW_PAYLOAD], ARGV[i + ROW_PAYLOAD_TAIL],
    rowOptions[(i - ROW_FIRST) / ROW_WIDTH + 1], seq, batch,
    taskKeys[(i - ROW_FIRST) / ROW_WIDTH + 1])
  if result ~= 1 then
    out[row + REPLY_ENQUEUE_ROW_INDEX] = (i - ROW_FIRST) / ROW_WIDTH + 1
    out[row + REPLY_ENQUEUE_ROW_RESULT] = result
    row = row + REPLY_ENQUEUE_ROW_WIDTH
  end
  if state == S_WAITING then waited = true end
  if state == S_DELAYED and (not earliest or runAt < earliest) then earliest = runAt end
end

flushAdds(base, keys, batch)
if waited then
  wake(keys[KEY_MARK])
elseif earliest then
  local first = redis.call('ZRANGE', keys[KEY_DELAYED], 0, 0, 'WITHSCORES')
  if tonumber(first[2]) == earliest then wake(keys[KEY_MARK]) end
end
return out
