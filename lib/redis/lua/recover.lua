-- recover: takes back tasks whose lease ran out (their worker crashed, hung or
-- lost Redis). The interrupted attempt counts: the task goes back to waiting
-- if attempts remain, else to dead. It also removes finished tasks past their
-- retention's age (up to sweepLimit per set), which a queue where no task
-- finishes would otherwise keep.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate, handlerNames); under the same hash tag it also touches the per-task and per-handler keys built from the base.
-- ARGV: SCRIPTS.recover of protocol.ts: the key base, the events setting, the most tasks per call, the
--   dead retention (keep age ms, keep count), and the completed retention's age (ms).
-- Returns the recover reply: tasks recovered to waiting, tasks moved to dead, the dead ones' ids,
-- the workers whose leases ran out (for the worker's warning: which tasks died, and whose crash it was),
-- and the tasks put back uncounted (below).
-- Each lost attempt counts as a failed one: in its task's history and in the minute's throughput. But a
-- task leased ahead of a free slot (it waited in the worker's buffer, its record's leasedAhead is the
-- lease's start) may never have begun: it goes back to its place in waiting without counting the
-- attempt, as a hand-back at shutdown does. Once per task: a task that crashes its worker as it starts
-- must still use up its attempts, even if it always arrives in a buffer.
-- Atomic so that two workers recovering at once cannot both requeue a task,
-- and a late settle from the old worker finds the lease token gone.
--@include time
--@include common
--@include dependencies
--@include attempt-record
--@include hand-back

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local keepDeadAge, keepDead = tonumber(ARGV[ARG_KEEP_DEAD_AGE]), tonumber(ARGV[ARG_KEEP_DEAD_COUNT])
local keys = queueKeys()
-- Finished tasks removed by age per set and call: a few ms of work at most, every few seconds per worker.
local sweepLimit = 100
local now = nowMs()
local requeued, dead, unstarted = 0, 0, 0
local deadIds, workers, workerSeen = {}, {}, {}
-- Dead tasks kept under the module's retention: the dead set is trimmed by it once, at the end.
local keptUnderModule = 0
local expired = redis.call('ZRANGEBYSCORE', keys[KEY_ACTIVE], '-inf', int(now), 'LIMIT', 0, tonumber(ARGV[ARG_LIMIT]))
for _, id in ipairs(expired) do
  local taskKey = base .. K_TASK .. id
  local f = redis.call('HMGET', taskKey, R_ATTEMPTS, R_MAX_ATTEMPTS, R_WAIT_SCORE, R_NAME, R_COUNTED_IN_LIMIT, R_HAS_DEPENDENTS, R_REMOVE_ON_DEAD, R_LEASE_TOKEN,
    R_LEASED_AHEAD, R_STARTED_AT, R_AHEAD_FORGIVEN)
  -- The token is the worker's own (its instanceId in workers()), then the attempt and the start.
  local worker = f[8] and string.match(f[8], '^(.+)' .. LEASE_TOKEN_SEPARATOR .. '[^' .. LEASE_TOKEN_SEPARATOR .. ']*' .. LEASE_TOKEN_SEPARATOR .. '[^' .. LEASE_TOKEN_SEPARATOR .. ']*$')
  if worker and not workerSeen[worker] then
    workerSeen[worker] = true
    workers[#workers + 1] = worker
  end
  -- Leased ahead under this very lease (not an earlier one), and not forgiven before.
  local uncounted = f[3] and f[9] and f[9] == f[10] and not f[11]
  if uncounted then
    handBack(base, keys, id, { ws = f[3], name = f[4], counted = f[5] })
    redis.call('HSET', taskKey, R_AHEAD_FORGIVEN, '1')
    unstarted = unstarted + 1
  else
    endLease(base, keys, taskKey, id, f[4], f[5])
  end
  if f[3] and not uncounted then
    local attempt, max = tonumber(f[1]) or 1, tonumber(f[2]) or 1
    local err = cjson.encode({ message = 'attempt ' .. attempt .. ' was lost: its worker stopped renewing the lease (crash, hang or lost connection)' })
    if attempt < max then
      -- Due again now: the wait-time metric counts from here, not from its first due time.
      recordFailedAttempt(base, taskKey, id, now, now, err)
      redis.call('HSET', taskKey, R_STATE, S_WAITING, R_ERROR, err, R_RUN_AT, int(now))
      redis.call('ZADD', keys[KEY_WAIT], f[3], id)
      emit(base, evMaxLen, taskKey, T_RETRYING, id, f[4], attempt, err)
      requeued = requeued + 1
    else
      emit(base, evMaxLen, taskKey, T_DEAD, id, f[4], attempt, err)
      if f[6] then
        notifyDependents(base, keys, now, evMaxLen, id, S_DEAD, 'its worker was lost', { age = keepDeadAge, count = keepDead })
      end
      -- As settle ends a task dead: by its own retention over the module's, and
      -- a count of 0 removes it at once rather than trimming the dead set to nothing.
      local remove, age, count = ownRetention(f[7], keepDeadAge, keepDead)
      if remove or count == 0 then
        deleteTask(base, id)
      else
        recordFailedAttempt(base, taskKey, id, now, nil, err)
        redis.call('HSET', taskKey, R_STATE, S_DEAD, R_ERROR, err, R_FINISHED_AT, int(now))
        redis.call('ZADD', keys[KEY_DEAD], int(now), id)
        if f[7] then trim(base, keys[KEY_DEAD], now, age, count, 1) else keptUnderModule = keptUnderModule + 1 end
      end
      dead = dead + 1
      deadIds[#deadIds + 1] = id
    end
  end
end
if requeued + unstarted > 0 then wake(keys[KEY_MARK]) end
countThroughput(base, now, 0, requeued + dead)
if keptUnderModule > 0 then trim(base, keys[KEY_DEAD], now, keepDeadAge, keepDead, keptUnderModule) end
-- Finished tasks past their age, in a queue where none finishes to trim them.
sweepByAge(base, keys[KEY_COMPLETED], now, R_REMOVE_ON_COMPLETE, tonumber(ARGV[ARG_KEEP_COMPLETED_AGE]), sweepLimit)
sweepByAge(base, keys[KEY_DEAD], now, R_REMOVE_ON_DEAD, keepDeadAge, sweepLimit)
local reply = {}
reply[REPLY_RECOVER_REQUEUED] = requeued
reply[REPLY_RECOVER_DEAD] = dead
reply[REPLY_RECOVER_DEAD_IDS] = table.concat(deadIds, LIST_SEPARATOR)
reply[REPLY_RECOVER_WORKERS] = table.concat(workers, LIST_SEPARATOR)
reply[REPLY_RECOVER_UNSTARTED] = unstarted
return reply
