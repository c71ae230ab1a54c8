-- Retrying a dead task (retry.lua, retry-dead.lua): it goes back with a fresh
-- attempt budget, and waits again for those of its dependencies that are
-- unfinished now (retried themselves, for instance in the same retryAll).
--@include compact

-- Blocks a dead task being retried on those of its dependencies that are
-- unfinished now, and returns true; false when none is (it then waits as any
-- retried task). A dependency that completed after the task died (retried and
-- run since) had no blocked dependent to give its result to: it is copied
-- now, as an enqueue copies it. A dependency still dead, or removed, counts as
-- ended, as when the task was ended dead by it.
local function waitAgain(base, keys, now, id, taskKey)
  local pending = {}
  for _, dep in ipairs(redis.call('LRANGE', base .. K_DEPENDENCIES .. id, 0, -1)) do
    local depKey = base .. K_TASK .. dep
    local f = redis.call('HMGET', depKey, R_STATE, R_RESULT)
    -- A waiting dependency may be a compact record (added again under its id): it gets its record key, as at enqueue.
    if not f[1] and expandCompact(base, dep) then f[1] = S_WAITING end
    if f[1] == S_WAITING or f[1] == S_DELAYED or f[1] == S_ACTIVE or f[1] == S_BLOCKED then
      pending[#pending + 1] = dep
    elseif f[1] == S_COMPLETED then
      redis.call('HSET', base .. K_DEPENDENCY_RESULTS .. id, dep, f[2] or '')
    end
  end
  if #pending == 0 then return false end
  for _, dep in ipairs(pending) do
    redis.call('SADD', base .. K_DEPENDENTS .. dep, id)
    redis.call('HSET', base .. K_TASK .. dep, R_HAS_DEPENDENTS, '1')
  end
  callSliced('SADD', base .. K_PENDING_DEPENDENCIES .. id, pending)
  redis.call('HSET', taskKey, R_STATE, S_BLOCKED)
  redis.call('ZADD', keys[KEY_BLOCKED], int(now), id)
  return true
end

-- Moves a dead task back with a fresh attempt budget: to waiting at its old
-- place (wait score `ws`), or blocked on its unfinished dependencies. Returns
-- true when it waits (a worker is to be woken).
local function backFromDead(base, keys, now, evMaxLen, id, taskKey, ws, name)
  redis.call('ZREM', keys[KEY_DEAD], id)
  redis.call('HSET', taskKey, R_STATE, S_WAITING, R_ATTEMPTS, 0, R_RUN_AT, int(now))
  -- Its next failures belong to a new run: the history keeps the runs before it (attempt-record).
  redis.call('HINCRBY', taskKey, R_RETRIES, 1)
  redis.call('HDEL', taskKey, R_FINISHED_AT, R_STARTED_AT, R_PROGRESS)
  emit(base, evMaxLen, taskKey, T_ENQUEUED, id, name, nil, nil)
  if waitAgain(base, keys, now, id, taskKey) then return false end
  redis.call('ZADD', keys[KEY_WAIT], ws, id)
  return true
end
