-- retryDead: one step of retryAll: moves the dead tasks of one ZSCAN step of the dead set back to waiting
-- with a fresh attempt budget (as retry.lua does for one task, blocked again on its unfinished
-- dependencies), those of one name when a name is given, and only those that died before the cutoff, so
-- a task that dies again during the walk is not retried twice. With holdBack, a task is left for a later
-- walk while one of its dependencies is itself to be retried (dead, of the name, died before the
-- cutoff): ZSCAN's order is not the dead set's, and a flow's dependent retried before its dependency
-- would run at once, without the dependency's result. Walks repeat until none holds a task back. A task
-- whose dependency was retried by an earlier walk and has died again since stays dead, as that dependency
-- ends it (unless it runs anyway); one whose dependency completed meanwhile gets its result (waitAgain).
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it also touches the per-task records built from the base.
-- ARGV: SCRIPTS.retryDead of protocol.ts: the key base, the events setting, the ZSCAN cursor, the ZSCAN
--   count, the task name ('' = any), the cutoff (epoch ms; '' = now), holdBack ('1' or '').
-- Returns the retryDead reply: the next cursor ('0' when the walk is complete), how many were moved and
--   how many were held back.
-- Each step is bounded by the count; atomic so that a task leaves dead and
-- enters wait in one step, as in retry.lua.
--@include time
--@include common
--@include wait-again

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local name = ARGV[ARG_NAME]
local keys = queueKeys()
local now = nowMs()
local cutoff = tonumber(ARGV[ARG_CUTOFF]) or now
local holdBack = ARGV[ARG_HOLD_BACK] == '1'

-- What the dead dependencies of `id` say: 'retry' when one is to be retried by this retryAll (then `id`
-- waits for a later walk), 'dead' when one died again since it began (retried and failed: then `id`,
-- unless it runs anyway, stays dead as that dependency ended it), else nil.
local function deadDependencies(id, taskKey)
  local deps = redis.call('LRANGE', base .. K_DEPENDENCIES .. id, 0, -1)
  if #deps == 0 then return nil end
  local diedAgain, toRetry = false, false
  for _, dep in ipairs(deps) do
    local g = redis.call('HMGET', base .. K_TASK .. dep, R_STATE, R_NAME, R_WAIT_SCORE)
    if g[1] == S_DEAD then
      local died = tonumber(redis.call('ZSCORE', keys[KEY_DEAD], dep))
      if died and died > cutoff then
        diedAgain = true
      elseif died and g[3] and (name == '' or g[2] == name) then
        toRetry = true
      end
    end
  end
  -- One that died again ends it, whatever the others do.
  if diedAgain and redis.call('HGET', taskKey, R_DEPENDENCY_FAILURE) ~= DEPENDENCY_FAILURE_RUN then return 'dead' end
  return toRetry and 'retry' or nil
end

local scan = redis.call('ZSCAN', keys[KEY_DEAD], ARGV[ARG_CURSOR], 'COUNT', tonumber(ARGV[ARG_COUNT]))
local moved, heldBack, waiting = 0, 0, 0
local members = scan[2]
for i = 1, #members, 2 do
  local id = members[i]
  local taskKey = base .. K_TASK .. id
  local f = redis.call('HMGET', taskKey, R_STATE, R_WAIT_SCORE, R_NAME)
  if f[1] == S_DEAD and f[2] and (name == '' or f[3] == name) and tonumber(members[i + 1]) <= cutoff then
    local dependencies = deadDependencies(id, taskKey)
    if dependencies == 'retry' and holdBack then
      heldBack = heldBack + 1
    elseif dependencies ~= 'dead' then
      if backFromDead(base, keys, now, evMaxLen, id, taskKey, f[2], f[3]) then waiting = waiting + 1 end
      moved = moved + 1
    end
  end
end
if waiting > 0 then wake(keys[KEY_MARK]) end
local reply = {}
reply[REPLY_RETRY_DEAD_CURSOR] = scan[1]
reply[REPLY_RETRY_DEAD_MOVED] = moved
reply[REPLY_RETRY_DEAD_HELD_BACK] = heldBack
return reply
