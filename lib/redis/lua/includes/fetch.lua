-- Moves due delayed tasks to waiting, then takes up to `n` waiting tasks for
-- one worker: each gets a lease (its score in the active set is the lease's
-- expiry in Redis time) and a lease token that later settles must present.
-- Returns { nextDueInMs, missingIds, id1, name1, payload1, attempt1, max1,
-- backoff1, timeout1, id2, ... }. nextDueInMs is -1 when nothing is delayed.

local function promoteDue(base, delayedKey, waitKey, now)
  local due = redis.call('ZRANGEBYSCORE', delayedKey, '-inf', int(now), 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    local taskKey = base .. 't:' .. id
    local ws = redis.call('HGET', taskKey, 'ws')
    if ws then
      redis.call('ZADD', waitKey, ws, id)
      redis.call('HSET', taskKey, 's', 'w')
    end
    redis.call('ZREM', delayedKey, id)
  end
end

local function fetchTasks(base, waitKey, delayedKey, activeKey, markKey, deadKey, n, now, token, leaseMs)
  promoteDue(base, delayedKey, waitKey, now)
  local out = { -1, '' }
  local missing = {}
  if n > 0 then
    local popped = redis.call('ZPOPMIN', waitKey, n)
    local expiry = int(now + leaseMs)
    for i = 1, #popped, 2 do
      local id = popped[i]
      local taskKey = base .. 't:' .. id
      local f = redis.call('HMGET', taskKey, 'n', 'a', 'm', 'b', 'to')
      local payload = redis.call('GET', base .. 'd:' .. id)
      if not f[1] or not payload or not tonumber(f[3]) then
        -- The id is queued but its record is gone or broken. A broken record
        -- goes to dead with the reason; a gone one can only be dropped. Either
        -- way the worker is told, so it can log it, and nothing runs.
        missing[#missing + 1] = id
        if redis.call('EXISTS', taskKey) == 0 then
          redis.call('DEL', base .. 'd:' .. id)
        else
          redis.call('HSET', taskKey, 's', 'x', 'f', int(now), 'err',
            cjson.encode({ message = 'task record is broken: its name (n), max attempts (m) or payload key is missing' }))
          redis.call('ZADD', deadKey, int(now), id)
        end
      else
        local attempt = (tonumber(f[2]) or 0) + 1
        redis.call('HSET', taskKey, 's', 'a', 'a', attempt, 'st', int(now), 'lk', token .. ':' .. attempt)
        redis.call('ZADD', activeKey, expiry, id)
        out[#out + 1] = id
        out[#out + 1] = f[1]
        out[#out + 1] = payload
        out[#out + 1] = attempt
        out[#out + 1] = f[3]
        out[#out + 1] = f[4] or ''
        out[#out + 1] = f[5] or '0'
      end
    end
    if #popped > 0 and redis.call('ZCARD', waitKey) > 0 then
      -- More is waiting than this worker took: pass the wake-up on to another.
      wake(markKey)
    end
  end
  local first = redis.call('ZRANGE', delayedKey, 0, 0, 'WITHSCORES')
  if first[2] then
    out[1] = math.max(0, tonumber(first[2]) - now)
  end
  out[2] = table.concat(missing, '\n')
  return out
end
