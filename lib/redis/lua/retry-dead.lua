-- retryDead: one step of retryAll: moves the dead tasks of one ZSCAN step of the dead set back to waiting
-- with a fresh attempt budget (as retry.lua does for one task), those of one name when a name is given,
-- and only those that died before the cutoff, so a task that dies again during the walk is not retried twice.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it also touches the per-task records built from the base.
-- ARGV: SCRIPTS.retryDead of protocol.ts: the key base, the events setting, the ZSCAN cursor, the ZSCAN
--   count, the task name ('' = any), the cutoff (epoch ms; '' = now).
-- Returns the retryDead reply: the next cursor ('0' when the walk is complete) and how many were moved.
-- Each step is bounded by the count; atomic so that a task leaves dead and
-- enters wait in one step, as in retry.lua.
--@include time
--@include common

local base, evMaxLen = ARGV[ARG_BASE], ARGV[ARG_EVENTS_MAX_LEN]
local name = ARGV[ARG_NAME]
local keys = queueKeys()
local now = nowMs()
local cutoff = tonumber(ARGV[ARG_CUTOFF]) or now
local scan = redis.call('ZSCAN', keys[KEY_DEAD], ARGV[ARG_CURSOR], 'COUNT', tonumber(ARGV[ARG_COUNT]))
local moved = 0
local members = scan[2]
for i = 1, #members, 2 do
  local id = members[i]
  local taskKey = base .. K_TASK .. id
  local f = redis.call('HMGET', taskKey, R_STATE, R_WAIT_SCORE, R_NAME)
  if f[1] == S_DEAD and f[2] and (name == '' or f[3] == name) and tonumber(members[i + 1]) <= cutoff then
    redis.call('ZREM', keys[KEY_DEAD], id)
    redis.call('HSET', taskKey, R_STATE, S_WAITING, R_ATTEMPTS, 0, R_RUN_AT, int(now))
    redis.call('HDEL', taskKey, R_FINISHED_AT, R_STARTED_AT, R_PROGRESS)
    redis.call('ZADD', keys[KEY_WAIT], f[2], id)
    emit(base, evMaxLen, taskKey, T_ENQUEUED, id, f[3], nil, nil)
    moved = moved + 1
  end
end
if moved > 0 then wake(keys[KEY_MARK]) end
local reply = {}
reply[REPLY_RETRY_DEAD_CURSOR] = scan[1]
reply[REPLY_RETRY_DEAD_MOVED] = moved
return reply
