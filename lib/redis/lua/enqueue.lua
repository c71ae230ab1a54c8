-- enqueue: adds a batch of tasks to one queue (see includes/add-task.lua).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.enqueue of protocol.ts: the key base, the events setting, then one enqueue row per task.
-- Returns the enqueue reply (per task its id and 1 added, 0 the id existed: nothing changed, or an error
--   message), or the enqueueRefused reply when a dependency is missing: then nothing at all was written.
-- Atomic because a task's record, payload, place in its set and dependency
-- edges must appear together: a half-added task would be invisible to workers
-- yet hold its id forever.
--@include time
--@include common
--@include add-task

local base, evMaxLen = ARGV[ARG_BASE], tonumber(ARGV[ARG_EVENTS_MAX_LEN])
local keys = queueKeys()
local now = nowMs()
local out = {}
local row = REPLY_ENQUEUE_ROW_FIRST
local waited, earliest = false, nil

-- All or nothing: every dependency must exist (or be added earlier in this
-- call) before anything is written.
local added = {}
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  for dep in string.gmatch(ARGV[i + ROW_DEPENDS_ON], '[^' .. LIST_SEPARATOR .. ']+') do
    if not added[dep] and redis.call('EXISTS', base .. K_TASK .. dep) == 0 then
      local refused = {}
      refused[REPLY_ENQUEUE_REFUSED_MARKER] = ENQUEUE_REFUSED
      refused[REPLY_ENQUEUE_REFUSED_MESSAGE] = 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by retention)'
      refused[REPLY_ENQUEUE_REFUSED_INDEX] = (i - ROW_FIRST) / ROW_WIDTH + 1
      return refused
    end
  end
  added[ARGV[i + ROW_ID]] = true
end

-- One sequence number per row, reserved at once; a row not added leaves a gap, which FIFO order does not mind.
local rows = (#ARGV - ROW_FIRST + 1) / ROW_WIDTH
local seq = rows > 0 and redis.call('INCRBY', keys.seq, rows) - rows or 0
local batch = newAddBatch()
for i = ROW_FIRST, #ARGV, ROW_WIDTH do
  seq = seq + 1
  local t = {
    id = ARGV[i + ROW_ID], name = ARGV[i + ROW_NAME], payload = ARGV[i + ROW_PAYLOAD],
    priority = tonumber(ARGV[i + ROW_PRIORITY]), delayMs = tonumber(ARGV[i + ROW_DELAY_MS]), runAt = ARGV[i + ROW_RUN_AT],
    maxAttempts = ARGV[i + ROW_MAX_ATTEMPTS], backoff = ARGV[i + ROW_BACKOFF], timeoutMs = ARGV[i + ROW_TIMEOUT_MS],
    dependsOn = ARGV[i + ROW_DEPENDS_ON], dependencyFailure = ARGV[i + ROW_DEPENDENCY_FAILURE],
    removeOnComplete = ARGV[i + ROW_REMOVE_ON_COMPLETE], removeOnDead = ARGV[i + ROW_REMOVE_ON_DEAD],
    traceContext = ARGV[i + ROW_TRACE_CONTEXT],
  }
  local result, state, runAt = addTask(base, keys, now, evMaxLen, t, seq, batch)
  if state == S_WAITING then waited = true end
  if state == S_DELAYED and (not earliest or runAt < earliest) then earliest = runAt end
  out[row + REPLY_ENQUEUE_ROW_ID] = t.id
  out[row + REPLY_ENQUEUE_ROW_RESULT] = result
  row = row + REPLY_ENQUEUE_ROW_WIDTH
end

flushAdds(base, keys, batch)
if waited then
  wake(keys.mark)
elseif earliest then
  local first = redis.call('ZRANGE', keys.delayed, 0, 0, 'WITHSCORES')
  if tonumber(first[2]) == earliest then wake(keys.mark) end
end
return out
