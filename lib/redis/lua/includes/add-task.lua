-- Adds one task to a queue: record, payload, its place in wait, delayed or
-- blocked, and its edges in the dependency graph. Used by enqueue and by the
-- scheduler's occurrence firing. `t` holds the task's fields (see enqueue.lua).
-- Returns 1 (added), 0 (a task with this id exists: nothing changed) or an
-- error message (nothing written); when added, also its state and due time.

local function addTask(base, keys, now, evMaxLen, t)
  local taskKey = base .. 't:' .. t.id
  if redis.call('EXISTS', taskKey) == 1 then return 0 end

  -- Check every dependency before writing anything.
  local pending, results, failed = {}, {}, nil
  for dep in string.gmatch(t.deps, '[^\n]+') do
    local ds = redis.call('HGET', base .. 't:' .. dep, 's')
    if not ds then
      return 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by retention)'
    elseif ds == 'c' then
      results[#results + 1] = dep
    elseif ds == 'x' then
      if t.depFailure ~= 'run' then failed = failed or dep end
    else
      pending[#pending + 1] = dep
    end
  end

  local seq = redis.call('INCR', keys.seq)
  local ws = int(waitScore(t.priority, seq))
  local runAt = now
  if t.runAt ~= '' then
    runAt = tonumber(t.runAt)
  elseif t.delayMs > 0 then
    runAt = now + t.delayMs
  end

  local state
  if failed then
    state = 'x'
    redis.call('ZADD', keys.dead, int(now), t.id)
  elseif #pending > 0 then
    state = 'b'
    redis.call('ZADD', keys.blocked, int(now), t.id)
    for _, dep in ipairs(pending) do
      redis.call('SADD', base .. 'dn:' .. dep, t.id)
      redis.call('HSET', base .. 't:' .. dep, 'hd', '1')
    end
    redis.call('SADD', base .. 'dp:' .. t.id, unpack(pending))
  elseif runAt > now then
    state = 'd'
    redis.call('ZADD', keys.delayed, int(runAt), t.id)
  else
    state = 'w'
    redis.call('ZADD', keys.wait, ws, t.id)
  end

  -- Only fields that differ from their defaults are written: attempts 0, no
  -- backoff, no timeout, runAt = enqueuedAt; priority is read back from ws.
  redis.call('HSET', taskKey, 'n', t.name, 's', state, 'ws', ws, 'm', t.maxAttempts, 'e', int(now))
  if t.backoff ~= '' then redis.call('HSET', taskKey, 'b', t.backoff) end
  if t.timeout ~= '0' then redis.call('HSET', taskKey, 'to', t.timeout) end
  if runAt ~= now then redis.call('HSET', taskKey, 'r', int(runAt)) end
  if t.removeOnComplete ~= '' then redis.call('HSET', taskKey, 'rc', t.removeOnComplete) end
  if t.removeOnDead ~= '' then redis.call('HSET', taskKey, 'rd', t.removeOnDead) end
  if t.deps ~= '' then
    if t.depFailure == 'run' then redis.call('HSET', taskKey, 'df', 'run') end
    if t.delayMs > 0 then redis.call('HSET', taskKey, 'dl', t.delayMs) end
    for _, dep in ipairs(results) do
      redis.call('HSET', base .. 'dr:' .. t.id, dep, redis.call('HGET', base .. 't:' .. dep, 'res') or '')
    end
  end
  redis.call('SET', base .. 'd:' .. t.id, t.payload)
  emit(base, evMaxLen, taskKey, 'enqueued', t.id, t.name, nil, nil)
  if failed then
    local err = cjson.encode({ message = 'dependency ' .. failed .. ' ended dead' })
    redis.call('HSET', taskKey, 'err', err, 'f', int(now))
    emit(base, evMaxLen, taskKey, 'dead', t.id, t.name, nil, err)
    if t.removeOnDead == '1' then
      redis.call('ZREM', keys.dead, t.id)
      deleteTask(base, t.id)
    end
  end
  return 1, state, runAt
end
