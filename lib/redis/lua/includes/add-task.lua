-- Adds one task to a queue: record, payload, its place in wait, delayed or
-- blocked, and its edges in the dependency graph. Used by enqueue and by the
-- scheduler's occurrence firing. `o` holds the task's options, named as
-- ENQUEUE_OPTIONS of protocol.ts names them (priority and delayMs as numbers,
-- the rest as strings), plus traceLink for an occurrence. The tasks of one
-- call that share their options share one `o`: what follows from it alone is
-- worked out for the first of them and kept in it (recordTemplate).
-- `taskKey` may be given when the caller has built it already.
-- Returns 1 (added), 0 (a task with this id exists: nothing changed) or an
-- error message (nothing written); when added, also its state and due time.
-- A plain task of priority 0 that waits at once, with a payload of at most
-- COMPACT_PAYLOAD_MAX bytes, gets a compact record (see compact.lua) instead
-- of a record key: most tasks.
--
-- The writes many tasks of one call share a key for (their places in the
-- wait list or wait set, the payloads too long for their records) go to
-- `batch` and are made by flushAdds in one command each: a call of n tasks
-- costs about 2n commands instead of 7n. Nothing within the
-- call reads them before the flush (the record, which dependency checks and
-- duplicate checks read, is written at once). `seq` is the task's enqueue
-- sequence number (FIFO among equal priority), reserved by the caller.

--@include compact

-- Writes shared by the tasks of one call, made by flushAdds, the tasks'
-- enqueued events among them (grouped entries). `fresh`: the caller found
-- that no task of the call exists yet and no id repeats in it, so addTask
-- skips its own existence check (one command per task fewer).
local function newAddBatch(now, evMaxLen)
  return { wait = {}, list = {}, payloads = {}, nowText = int(now), fresh = false, evMaxLen = evMaxLen, events = newEventGroup(T_ENQUEUED) }
end

-- Makes a batch's writes (pairs of score and id, of key and payload: callSliced keeps pairs together).
-- MSET is skipped when every payload went into its record: callSliced sends nothing for an empty list.
-- The list's ids are in sequence order, so the list stays ordered by wait score (fetch relies on it).
local function flushAdds(base, keys, batch)
  callSliced('RPUSH', base .. K_WAIT_LIST, batch.list)
  callSliced('ZADD', keys[KEY_WAIT], batch.wait)
  callSliced('MSET', nil, batch.payloads)
  flushEventGroup(base, batch.evMaxLen, batch.events)
end

-- The record of a task with options `o`, as HSET arguments: the fields every
-- task has (name, state, wait score, max attempts, enqueue time), then those
-- of `o` that differ from their defaults (no backoff, no timeout, the module's
-- retention, ...) and the plain flag. Worked out once per `o`, not once per
-- task: each task fills in its state, wait score and enqueue time (slots 4, 6
-- and 10) and appends its due time and payload parts after `o.recordEnd`,
-- so no table is built per task.
local function recordTemplate(o)
  local rec = { R_NAME, o.name, R_STATE, '', R_WAIT_SCORE, '', R_MAX_ATTEMPTS, o.maxAttempts, R_ENQUEUED_AT, '' }
  local function put(field, value)
    rec[#rec + 1] = field
    rec[#rec + 1] = value
  end
  if o.backoff ~= '' then put(R_BACKOFF, o.backoff) end
  if o.timeoutMs ~= '0' then put(R_TIMEOUT, o.timeoutMs) end
  if o.removeOnComplete ~= '' then put(R_REMOVE_ON_COMPLETE, o.removeOnComplete) end
  if o.removeOnDead ~= '' then put(R_REMOVE_ON_DEAD, o.removeOnDead) end
  -- Trace contexts exist only while a tracing SDK is registered: no bytes otherwise.
  if o.traceContext and o.traceContext ~= '' then put(R_TRACE_CONTEXT, o.traceContext) end
  if o.traceLink and o.traceLink ~= '' then put(R_TRACE_LINK, o.traceLink) end
  if o.dependsOn ~= '' then
    if o.dependencyFailure == DEPENDENCY_FAILURE_RUN then put(R_DEPENDENCY_FAILURE, DEPENDENCY_FAILURE_RUN) end
    if o.delayMs > 0 then put(R_DEPENDENCY_DELAY, o.delayMs) end
  else
    put(R_PLAIN, '1')
  end
  o.record, o.recordEnd = rec, #rec
  return rec
end

-- What the compact record (COMPACT_RECORD) of a task with options `o` holds
-- around its sequence number and enqueue time, separators included: the
-- name before the sequence number; max attempts and backoff between it and
-- the enqueue time; the extras after that, up to the payload. Worked out once per `o`.
local function compactParts(o)
  local timeout = o.timeoutMs ~= '0' and o.timeoutMs or ''
  local traceContext, traceLink = o.traceContext or '', o.traceLink or ''
  local extras = ''
  if timeout ~= '' or o.removeOnComplete ~= '' or o.removeOnDead ~= '' or traceContext ~= '' or traceLink ~= '' then
    extras = timeout .. LIST_SEPARATOR .. o.removeOnComplete .. LIST_SEPARATOR .. o.removeOnDead .. LIST_SEPARATOR
      .. traceContext .. LIST_SEPARATOR .. traceLink
  end
  o.compactName = o.name .. OPTIONS_SEPARATOR
  o.compactOptions = OPTIONS_SEPARATOR .. o.maxAttempts .. OPTIONS_SEPARATOR .. o.backoff .. OPTIONS_SEPARATOR
  o.compactAfterTime = OPTIONS_SEPARATOR .. extras .. OPTIONS_SEPARATOR
end

local function addTask(base, keys, now, evMaxLen, id, payload, payloadTail, o, seq, batch, taskKey)
  taskKey = taskKey or base .. K_TASK .. id
  if not batch.fresh and redis.call('EXISTS', taskKey) == 1 then return 0 end
  -- A repeat of an id this call added, which ended dead on arrival and was removed at once, existed too.
  if batch.removedDead and batch.removedDead[id] then return 0 end
  -- Most tasks: plain, priority 0, due at once. HSETNX writes the compact
  -- record and is the existence check among compact records in one command.
  if o.dependsOn == '' and o.priority == 0 and o.delayMs <= 0 and o.runAt == ''
    and #payload + (payloadTail and #payloadTail or 0) <= COMPACT_PAYLOAD_MAX then
    if not o.compactName then compactParts(o) end
    -- int(): string.format's integer conversion costs less than the one a
    -- concatenation makes of a number (sprintf's %.14g): about 500 instructions a task.
    if redis.call('HSETNX', base .. K_COMPACT_RECORDS, id, o.compactName .. int(seq) .. o.compactOptions .. batch.nowText .. o.compactAfterTime
      .. payload .. OPTIONS_SEPARATOR .. (payloadTail or '')) == 0 then
      return 0
    end
    local list = batch.list
    list[#list + 1] = id
    addToEventGroup(batch.events, id, o.name, nil)
    return 1, S_WAITING, now
  end
  if redis.call('HEXISTS', base .. K_COMPACT_RECORDS, id) == 1 then return 0 end

  -- Check every dependency before writing anything.
  local pending, results, failed, all, ended
  if o.dependsOn ~= '' then
    pending, results, all, ended = {}, {}, {}, {}
    for dep in string.gmatch(o.dependsOn, '[^' .. LIST_SEPARATOR .. ']+') do
      all[#all + 1] = dep
      local ds = redis.call('HGET', base .. K_TASK .. dep, R_STATE)
      -- A dependency with a compact record gets its record key (it is about to gain the
      -- has-dependents flag). That changes nothing a reader can see, so doing it before
      -- the other dependencies are checked leaves nothing half-done.
      if not ds and expandCompact(base, dep) then ds = S_WAITING end
      -- An earlier task of this call that ended dead on arrival and was removed at once (removeOnDead).
      if not ds and batch.removedDead and batch.removedDead[dep] then ds = S_DEAD end
      if not ds then
        return 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by remove() or retention)'
      elseif ds == S_COMPLETED then
        results[#results + 1] = dep
        ended[#ended + 1] = dep
      elseif ds == S_DEAD then
        if o.dependencyFailure ~= DEPENDENCY_FAILURE_RUN then failed = failed or dep end
        -- (Not one removed at once earlier in this call: it has no record to flag.)
        if not (batch.removedDead and batch.removedDead[dep]) then ended[#ended + 1] = dep end
      else
        pending[#pending + 1] = dep
      end
    end
  end

  local ws = int(waitScore(o.priority, seq))
  local runAt = now
  if o.runAt ~= '' then
    runAt = tonumber(o.runAt)
  elseif o.delayMs > 0 then
    runAt = now + o.delayMs
  end

  local state
  if failed then
    state = S_DEAD
    redis.call('ZADD', keys[KEY_DEAD], batch.nowText, id)
  elseif pending and #pending > 0 then
    state = S_BLOCKED
    redis.call('ZADD', keys[KEY_BLOCKED], batch.nowText, id)
    for _, dep in ipairs(pending) do
      redis.call('SADD', base .. K_DEPENDENTS .. dep, id)
      redis.call('HSET', base .. K_TASK .. dep, R_HAS_DEPENDENTS, '1')
    end
    -- In slices: unpack holds a few thousand values, and dependsOn has no such limit.
    callSliced('SADD', base .. K_PENDING_DEPENDENCIES .. id, pending)
  elseif runAt > now then
    state = S_DELAYED
    redis.call('ZADD', keys[KEY_DELAYED], int(runAt), id)
  else
    state = S_WAITING
    if o.priority == 0 then
      -- Most tasks: a list entry costs Redis about 18 bytes, a sorted-set member about 120.
      local list = batch.list
      list[#list + 1] = id
    else
      local wait = batch.wait
      wait[#wait + 1] = ws
      wait[#wait + 1] = id
    end
  end

  -- One HSET of the record (recordTemplate), the payload in it when it fits.
  local rec = o.record or recordTemplate(o)
  rec[4], rec[6], rec[10] = state, ws, batch.nowText
  local n = o.recordEnd
  if runAt ~= now then
    rec[n + 1], rec[n + 2] = R_RUN_AT, int(runAt)
    n = n + 2
  end
  local ownPayload
  n, ownPayload = putPayload(rec, n, payload, payloadTail)
  redis.call('HSET', taskKey, unpack(rec, 1, n))
  if all then
    -- Kept as enqueued, for TaskQueue.relations: the pending set loses each dependency as it finishes.
    callSliced('RPUSH', base .. K_DEPENDENCIES .. id, all)
    for _, dep in ipairs(results) do
      redis.call('HSET', base .. K_DEPENDENCY_RESULTS .. id, dep, redis.call('HGET', base .. K_TASK .. dep, R_RESULT) or '')
    end
    -- A dependency that had already ended lists this task among its dependents
    -- too (TaskQueue.relations), and so does an unfinished one of a task dead on
    -- arrival. Telling it later changes nothing: notifyDependents acts only on a
    -- blocked dependent that still waits for it. Up to ENDED_DEPENDENTS_MAX: a
    -- long-kept task that every new task depends on would otherwise gain a member
    -- per task, held until it goes (those the set already has stay listed).
    if failed then
      for _, dep in ipairs(pending) do ended[#ended + 1] = dep end
      -- Removed at once below: nothing to list.
      if o.removeOnDead == REMOVE_AT_ONCE then ended = {} end
    end
    for _, dep in ipairs(ended) do
      local dependentsKey = base .. K_DEPENDENTS .. dep
      if redis.call('SCARD', dependentsKey) < ENDED_DEPENDENTS_MAX then
        redis.call('SADD', dependentsKey, id)
        redis.call('HSET', base .. K_TASK .. dep, R_HAS_DEPENDENTS, '1')
      end
    end
  end
  addToEventGroup(batch.events, id, o.name, nil)
  if failed then
    -- Its enqueued event must come before its dead one.
    flushEventGroup(base, evMaxLen, batch.events)
    local err = cjson.encode({ message = 'dependency ' .. failed .. ' ended dead' })
    redis.call('HSET', taskKey, R_ERROR, err, R_FINISHED_AT, batch.nowText)
    emit(base, evMaxLen, taskKey, T_DEAD, id, o.name, nil, err)
    if o.removeOnDead == REMOVE_AT_ONCE then
      redis.call('ZREM', keys[KEY_DEAD], id)
      deleteTask(base, id)
      batch.removedDead = batch.removedDead or {}
      batch.removedDead[id] = true
      return 1, state, runAt
    end
  end
  if ownPayload then
    local payloads = batch.payloads
    payloads[#payloads + 1] = base .. K_PAYLOAD .. id
    payloads[#payloads + 1] = ownPayload
  end
  return 1, state, runAt
end
