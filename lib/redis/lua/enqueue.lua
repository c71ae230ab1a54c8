-- enqueue: adds a batch of tasks to one queue (see includes/add-task.lua).
-- KEYS: 1 wait, 2 delayed, 3 active, 4 mark, 5 dead, 6 completed, 7 seq, 8 blocked, 9 paused, 10 rate
--   (and, under the same hash tag, per-task keys t:, d:, dp:, dr:, dn: and per-handler gc:, gp:)
-- ARGV: 1 key base ('{prefix:queue}:'), 2 events max length (0 = off), then 13 fields per task:
--   id, name, payload JSON, priority, delay ms, runAt ms ('' = none), max attempts,
--   backoff ('' | 'f,<delay>' | 'e,<delay>[,<max>]'), timeout ms, dependency ids ('\n'-joined),
--   dependency failure ('run' | ''), remove on complete ('' | '1' | '<age>,<count>'), remove on dead (same)
-- Returns { id1, result1, id2, result2, ... }: 1 added, 0 the id existed (nothing changed);
--   or { '!', message, task index (1-based) } when a dependency is missing: then nothing at all was written.
-- Atomic because a task's record, payload, place in its set and dependency
-- edges must appear together: a half-added task would be invisible to workers
-- yet hold its id forever.
--@include common
--@include add-task

local base, evMaxLen = ARGV[1], tonumber(ARGV[2])
local keys = queueKeys()
local now = nowMs()
local out = {}
local waited, earliest = false, nil

-- All or nothing: every dependency must exist (or be added earlier in this
-- call) before anything is written.
local added = {}
for i = 3, #ARGV, 13 do
  for dep in string.gmatch(ARGV[i + 9], '[^\n]+') do
    if not added[dep] and redis.call('EXISTS', base .. 't:' .. dep) == 0 then
      return { '!', 'dependsOn: no task ' .. dep .. ' in this queue (never added, cancelled, or removed by retention)', (i - 3) / 13 + 1 }
    end
  end
  added[ARGV[i]] = true
end

for i = 3, #ARGV, 13 do
  local t = {
    id = ARGV[i], name = ARGV[i + 1], payload = ARGV[i + 2], priority = tonumber(ARGV[i + 3]),
    delayMs = tonumber(ARGV[i + 4]), runAt = ARGV[i + 5], maxAttempts = ARGV[i + 6], backoff = ARGV[i + 7],
    timeout = ARGV[i + 8], deps = ARGV[i + 9], depFailure = ARGV[i + 10],
    removeOnComplete = ARGV[i + 11], removeOnDead = ARGV[i + 12],
  }
  local result, state, runAt = addTask(base, keys, now, evMaxLen, t)
  if state == 'w' then waited = true end
  if state == 'd' and (not earliest or runAt < earliest) then earliest = runAt end
  out[#out + 1] = t.id
  out[#out + 1] = result
end

if waited then
  wake(keys.mark)
elseif earliest then
  local first = redis.call('ZRANGE', keys.delayed, 0, 0, 'WITHSCORES')
  if tonumber(first[2]) == earliest then wake(keys.mark) end
end
return out
