-- Adds one task to a queue: record, payload, its place in wait, delayed or
-- blocked, and its edges in the dependency graph. Used by enqueue and by the
-- scheduler's occurrence firing. `t` holds the task's fields, named as the
-- enqueue row of protocol.ts names them.
-- Returns 1 (added), 0 (a task with this id exists: nothing changed) or an
-- error message (nothing written); when added, also its state and due time.
--
-- The writes many tasks of one call share a key for (their places in wait,
-- their payloads) go to `batch` and are made by flushAdds in one command each:
-- a call of n tasks costs about 3n commands instead of 7n. Nothing within the
-- call reads them before the flush (the record, which dependency checks and
-- duplicate checks read, is written at once). `seq` is the task's enqueue
-- sequence number (FIFO among equal priority), reserved by the caller.

-- Writes shared by the tasks of one call, made by flushAdds.
local function newAddBatch()
  return { wait = {}, payloads = {} }
end

-- Makes a batch's writes (pairs of score and id, of key and payload: callSliced keeps pairs together).
local function flushAdds(base, keys, batch)
  callSliced('ZADD', keys.wait, batch.wait)
  callSliced('MSET', nil, batch.payloads)
end

local function addTask(base, keys, now, evMaxLen, t, seq, batch)
  local taskKey = base .. K_TASK .. t.id
  if redis.call('EXISTS', taskKey) == 1 then return 0 end

  -- Check every dependency before writing anything.
  local pending, results, failed, all = {}, {}, nil, {}
  for dep in string.gmatch(t.dependsOn, '[^' .. LIST_SEPARATOR .. ']+') do
    all[#all + 1] = dep
    local ds = redis.call('HGET', base .. K_TASK .. dep, R_STATE)
    if not ds then
      return 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by retention)'
    elseif ds == S_COMPLETED then
      results[#results + 1] = dep
    elseif ds == S_DEAD then
      if t.dependencyFailure ~= DEPENDENCY_FAILURE_RUN then failed = failed or dep end
    else
      pending[#pending + 1] = dep
    end
  end

  local ws = int(waitScore(t.priority, seq))
  local runAt = now
  if t.runAt ~= '' then
    runAt = tonumber(t.runAt)
  elseif t.delayMs > 0 then
    runAt = now + t.delayMs
  end

  local state
  if failed then
    state = S_DEAD
    redis.call('ZADD', keys.dead, int(now), t.id)
  elseif #pending > 0 then
    state = S_BLOCKED
    redis.call('ZADD', keys.blocked, int(now), t.id)
    for _, dep in ipairs(pending) do
      redis.call('SADD', base .. K_DEPENDENTS .. dep, t.id)
      redis.call('HSET', base .. K_TASK .. dep, R_HAS_DEPENDENTS, '1')
    end
    redis.call('SADD', base .. K_PENDING_DEPENDENCIES .. t.id, unpack(pending))
  elseif runAt > now then
    state = S_DELAYED
    redis.call('ZADD', keys.delayed, int(runAt), t.id)
  else
    state = S_WAITING
    local wait = batch.wait
    wait[#wait + 1] = ws
    wait[#wait + 1] = t.id
  end

  -- One HSET of the fields that differ from their defaults: attempts 0, no
  -- backoff, no timeout, runAt = enqueuedAt; priority is read back from the wait score.
  -- Trace contexts exist only while a tracing SDK is registered: no bytes otherwise.
  local fields = { R_NAME, t.name, R_STATE, state, R_WAIT_SCORE, ws, R_MAX_ATTEMPTS, t.maxAttempts, R_ENQUEUED_AT, int(now) }
  local function put(field, value)
    fields[#fields + 1] = field
    fields[#fields + 1] = value
  end
  if t.backoff ~= '' then put(R_BACKOFF, t.backoff) end
  if t.timeoutMs ~= '0' then put(R_TIMEOUT, t.timeoutMs) end
  if runAt ~= now then put(R_RUN_AT, int(runAt)) end
  if t.removeOnComplete ~= '' then put(R_REMOVE_ON_COMPLETE, t.removeOnComplete) end
  if t.removeOnDead ~= '' then put(R_REMOVE_ON_DEAD, t.removeOnDead) end
  if t.traceContext and t.traceContext ~= '' then put(R_TRACE_CONTEXT, t.traceContext) end
  if t.traceLink and t.traceLink ~= '' then put(R_TRACE_LINK, t.traceLink) end
  if t.dependsOn ~= '' then
    if t.dependencyFailure == DEPENDENCY_FAILURE_RUN then put(R_DEPENDENCY_FAILURE, DEPENDENCY_FAILURE_RUN) end
    if t.delayMs > 0 then put(R_DEPENDENCY_DELAY, t.delayMs) end
    -- Kept as enqueued, for TaskQueue.relations: the pending set loses each dependency as it finishes.
    redis.call('RPUSH', base .. K_DEPENDENCIES .. t.id, unpack(all))
    for _, dep in ipairs(results) do
      redis.call('HSET', base .. K_DEPENDENCY_RESULTS .. t.id, dep, redis.call('HGET', base .. K_TASK .. dep, R_RESULT) or '')
    end
  end
  redis.call('HSET', taskKey, unpack(fields))
  emit(base, evMaxLen, taskKey, T_ENQUEUED, t.id, t.name, nil, nil)
  if failed then
    local err = cjson.encode({ message = 'dependency ' .. failed .. ' ended dead' })
    redis.call('HSET', taskKey, R_ERROR, err, R_FINISHED_AT, int(now))
    emit(base, evMaxLen, taskKey, T_DEAD, t.id, t.name, nil, err)
    if t.removeOnDead == REMOVE_AT_ONCE then
      redis.call('ZREM', keys.dead, t.id)
      deleteTask(base, t.id)
      return 1, state, runAt
    end
  end
  local payloads = batch.payloads
  payloads[#payloads + 1] = base .. K_PAYLOAD .. t.id
  payloads[#payloads + 1] = t.payload
  return 1, state, runAt
end
