-- The dependency graph of one queue. A task that depends on others is
-- blocked (in the blocked set) with its pending-dependencies set holding the
-- ids it still waits for; each dependency has a dependents set and the
-- has-dependents flag on its record. Results of finished dependencies are
-- copied to the dependent's dependency-results hash, so retention removing a
-- dependency cannot take its result from a dependent.
-- Unblocking costs O(dependents of the finished task): no scans.
-- The dependents set stays until the finished task itself is deleted, so
-- TaskQueue.relations can still list them; telling them twice (a dead task
-- retried and completed) changes nothing, as only blocked dependents act.

-- Moves a blocked task whose last dependency finished to waiting, or to
-- delayed when it asked for a delay (counted from now) or a later runAt.
local function unblock(base, keys, now, id)
  local taskKey = base .. K_TASK .. id
  redis.call('ZREM', keys[KEY_BLOCKED], id)
  local f = redis.call('HMGET', taskKey, R_DEPENDENCY_DELAY, R_RUN_AT, R_WAIT_SCORE)
  local runAt = now
  if tonumber(f[1]) then
    runAt = now + tonumber(f[1])
  elseif tonumber(f[2]) and tonumber(f[2]) > now then
    runAt = tonumber(f[2])
  end
  if runAt > now then
    redis.call('HSET', taskKey, R_STATE, S_DELAYED, R_RUN_AT, int(runAt))
    redis.call('ZADD', keys[KEY_DELAYED], int(runAt), id)
    wakeIfEarliest(keys[KEY_DELAYED], keys[KEY_MARK], id)
  else
    redis.call('HSET', taskKey, R_STATE, S_WAITING, R_RUN_AT, int(now))
    redis.call('ZADD', keys[KEY_WAIT], f[3], id)
    wake(keys[KEY_MARK])
  end
end

-- Whether task x depends on dep. A dependents set can name an id that no
-- longer depends on it: a dependent that ended dead through another of its
-- dependencies stays in this one's set, and once removed its id may be taken
-- by a new task. The pending set is always the current task's (deleted when a
-- dependent dies through a dependency, and when it is removed): one that holds
-- dep answers at once, in constant time. Otherwise the dependency list as
-- enqueued tells (a dependency that finished while x was dead, x retried since);
-- reading it is O(its length), so it comes second.
local function dependsOnIt(base, x, dep)
  if redis.call('SISMEMBER', base .. K_PENDING_DEPENDENCIES .. x, dep) == 1 then return true end
  return redis.call('LPOS', base .. K_DEPENDENCIES .. x, dep) ~= false
end

-- Tells the dependents of `id` how it ended: S_COMPLETED (with its result
-- JSON), or S_DEAD (dead or cancelled, with a reason). A dependent of a failed
-- task goes dead too, and so on down the graph, unless it was enqueued with
-- dependencyFailure 'run', in which case the failed dependency counts as done.
-- Dependents that go dead follow their own retention as settle's dead tasks
-- do: removed at once by removeOnDead true or a count of 0, or trimming the
-- dead set by their own limits; those under the module's retention trim it by
-- `deadKeep` ({ age, count }) when given (nil: the caller has no module
-- retention to apply, as cancel and drain).
local function notifyDependents(base, keys, now, evMaxLen, id, outcome, value, deadKeep)
  local removeAfter, died, ownTrims = {}, 0, {}
  local moduleAge, moduleCount = deadKeep and deadKeep.age or -1, deadKeep and deadKeep.count or -1
  local queue = { { id = id, outcome = outcome, value = value } }
  local i = 1
  while queue[i] do
    local dep = queue[i]
    i = i + 1
    local dependentsKey = base .. K_DEPENDENTS .. dep.id
    for _, x in ipairs(redis.call('SMEMBERS', dependentsKey)) do
      local xKey = base .. K_TASK .. x
      local f = redis.call('HMGET', xKey, R_STATE, R_DEPENDENCY_FAILURE, R_NAME, R_HAS_DEPENDENTS, R_REMOVE_ON_DEAD)
      if f[1] == S_BLOCKED and dependsOnIt(base, x, dep.id) then
        local pendingKey = base .. K_PENDING_DEPENDENCIES .. x
        if dep.outcome == S_COMPLETED or f[2] == DEPENDENCY_FAILURE_RUN then
          if dep.outcome == S_COMPLETED then redis.call('HSET', base .. K_DEPENDENCY_RESULTS .. x, dep.id, dep.value) end
          redis.call('SREM', pendingKey, dep.id)
          if redis.call('SCARD', pendingKey) == 0 then unblock(base, keys, now, x) end
        else
          local err = cjson.encode({ message = 'dependency ' .. dep.id .. ' ended dead' .. (dep.value ~= '' and (': ' .. dep.value) or '') })
          redis.call('ZREM', keys[KEY_BLOCKED], x)
          redis.call('DEL', pendingKey)
          redis.call('HSET', xKey, R_STATE, S_DEAD, R_ERROR, err, R_FINISHED_AT, int(now))
          redis.call('ZADD', keys[KEY_DEAD], int(now), x)
          emit(base, evMaxLen, xKey, T_DEAD, x, f[3], nil, err)
          local remove, age, count = ownRetention(f[5], moduleAge, moduleCount)
          -- Removed only after the walk: its own dependents are still to be told.
          if remove or count == 0 then
            removeAfter[#removeAfter + 1] = x
          elseif f[5] then
            ownTrims[#ownTrims + 1] = { age, count }
          else
            died = died + 1
          end
          if f[4] then queue[#queue + 1] = { id = x, outcome = S_DEAD, value = 'its dependency ' .. dep.id .. ' ended dead' } end
        end
      end
    end
  end
  for _, x in ipairs(removeAfter) do
    redis.call('ZREM', keys[KEY_DEAD], x)
    deleteTask(base, x)
  end
  for _, limits in ipairs(ownTrims) do trim(base, keys[KEY_DEAD], now, limits[1], limits[2], 1) end
  if deadKeep and died > 0 then trim(base, keys[KEY_DEAD], now, deadKeep.age, deadKeep.count, died) end
end
