-- Moves due delayed tasks to waiting, then takes up to f.n waiting tasks for
-- one worker: each gets a lease (its score in the active set is the lease's
-- expiry in Redis time) and a lease token that later settles must present.
-- Nothing is taken while the queue is paused; the queue's rate limit
-- (f.rateMax starts per f.ratePerMs, fleet-wide) and its handlers' fleet-wide
-- limits (f.limits: name -> most running) are enforced here, atomically with
-- the taking, so no two workers can both see room for one more.
-- Returns { lookAgainInMs, brokenIds, id1, name1, payload1, attempt1, max1,
-- backoff1, timeout1, id2, ... }. lookAgainInMs (-1 = no need) is when the
-- next delayed task is due or the rate limit's window ends.

local function promoteDue(base, keys, now)
  local due = redis.call('ZRANGEBYSCORE', keys.delayed, '-inf', int(now), 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    local taskKey = base .. 't:' .. id
    local ws = redis.call('HGET', taskKey, 'ws')
    if ws then
      redis.call('ZADD', keys.wait, ws, id)
      redis.call('HSET', taskKey, 's', 'w')
    end
    redis.call('ZREM', keys.delayed, id)
  end
end

-- Parses 'name=limit;name=limit' (names cannot hold ';' or '=' here: the
-- worker only passes names it validated).
local function parseLimits(text)
  local limits = {}
  for name, limit in string.gmatch(text or '', '([^;=]+)=(%d+)') do limits[name] = tonumber(limit) end
  return limits
end

-- Tasks parked for a handler limit that this worker no longer knows (the
-- limit was removed from the handler) would wait for a run that never ends:
-- they go back to waiting, in their old place.
local function unparkUnlimited(base, keys, limits)
  for _, name in ipairs(redis.call('SMEMBERS', base .. 'gpn')) do
    if not limits[name] then
      local parked = redis.call('ZRANGE', base .. 'gp:' .. name, 0, -1, 'WITHSCORES')
      for i = 1, #parked, 2 do redis.call('ZADD', keys.wait, parked[i + 1], parked[i]) end
      redis.call('DEL', base .. 'gp:' .. name)
      redis.call('SREM', base .. 'gpn', name)
    end
  end
end

local function fetchTasks(base, keys, now, evMaxLen, f)
  promoteDue(base, keys, now)
  unparkUnlimited(base, keys, f.limits)
  local out = { -1, '' }
  local missing = {}
  local lookAgain = nil
  local n = f.n
  if n > 0 and redis.call('EXISTS', keys.paused) == 1 then n = 0 end
  if n > 0 and f.rateMax > 0 then
    local allowed = f.rateMax - (tonumber(redis.call('GET', keys.rate)) or 0)
    if allowed <= 0 then
      n = 0
      lookAgain = math.max(1, redis.call('PTTL', keys.rate))
    elseif allowed < n then
      n = allowed
    end
  end
  local started = 0
  local rounds = 0
  while n > 0 and started < n and rounds < 4 do
    rounds = rounds + 1
    local popped = redis.call('ZPOPMIN', keys.wait, n - started)
    if #popped == 0 then break end
    local expiry = int(now + f.leaseMs)
    for i = 1, #popped, 2 do
      local id = popped[i]
      local taskKey = base .. 't:' .. id
      local r = redis.call('HMGET', taskKey, 'n', 'a', 'm', 'b', 'to')
      local payload = redis.call('GET', base .. 'd:' .. id)
      local limit = r[1] and f.limits[r[1]]
      if not r[1] or not payload or not tonumber(r[3]) then
        -- The id is queued but its record is gone or broken. A broken record
        -- goes to dead with the reason; a gone one can only be dropped. Either
        -- way the worker is told, so it can log it, and nothing runs.
        missing[#missing + 1] = id
        if redis.call('EXISTS', taskKey) == 0 then
          redis.call('DEL', base .. 'd:' .. id)
        else
          redis.call('HSET', taskKey, 's', 'x', 'f', int(now), 'err',
            cjson.encode({ message = 'task record is broken: its name (n), max attempts (m) or payload key is missing' }))
          redis.call('ZADD', keys.dead, int(now), id)
        end
      elseif limit and (tonumber(redis.call('GET', base .. 'gc:' .. r[1])) or 0) >= limit then
        -- Its handler runs at its fleet-wide limit: park it until a run ends.
        redis.call('ZADD', base .. 'gp:' .. r[1], popped[i + 1], id)
        redis.call('SADD', base .. 'gpn', r[1])
      else
        local attempt = (tonumber(r[2]) or 0) + 1
        redis.call('HSET', taskKey, 's', 'a', 'a', attempt, 'st', int(now), 'lk', f.token .. ':' .. attempt)
        if limit then
          redis.call('INCR', base .. 'gc:' .. r[1])
          redis.call('HSET', taskKey, 'gc', '1')
        end
        redis.call('ZADD', keys.active, expiry, id)
        emit(base, evMaxLen, taskKey, 'started', id, r[1], attempt, nil)
        started = started + 1
        out[#out + 1] = id
        out[#out + 1] = r[1]
        out[#out + 1] = payload
        out[#out + 1] = attempt
        out[#out + 1] = r[3]
        out[#out + 1] = r[4] or ''
        out[#out + 1] = r[5] or '0'
      end
    end
  end
  if started > 0 then
    if f.rateMax > 0 then
      redis.call('INCRBY', keys.rate, started)
      if redis.call('PTTL', keys.rate) < 0 then redis.call('PEXPIRE', keys.rate, f.ratePerMs) end
    end
    if redis.call('ZCARD', keys.wait) > 0 then
      -- More is waiting than this worker took: pass the wake-up on to another.
      wake(keys.mark)
    end
  end
  local first = redis.call('ZRANGE', keys.delayed, 0, 0, 'WITHSCORES')
  if first[2] then
    local due = math.max(0, tonumber(first[2]) - now)
    if not lookAgain or due < lookAgain then lookAgain = due end
  end
  if lookAgain then out[1] = lookAgain end
  out[2] = table.concat(missing, '\n')
  return out
end

-- The fetch arguments every fetching script takes, from ARGV[first] on:
-- n, worker token, lease ms, rate max (0 = none), rate window ms, handler limits.
local function fetchArgs(first)
  return {
    n = tonumber(ARGV[first]), token = ARGV[first + 1], leaseMs = tonumber(ARGV[first + 2]),
    rateMax = tonumber(ARGV[first + 3]), ratePerMs = tonumber(ARGV[first + 4]),
    limits = parseLimits(ARGV[first + 5]),
  }
end
