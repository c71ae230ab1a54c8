-- What the dashboard reads about finished attempts, written by settle and recover.
--
-- Throughput: one hash per minute (of Redis time) counting attempts that
-- completed and that failed, expiring after THROUGHPUT_TTL_MS. A call adds its
-- whole batch at once (one HINCRBY per kind, whatever its size, and a PEXPIRE
-- only when a counter is created), so counting costs O(1) per batch, not per task. PEXPIRE rather
-- than EXPIRE: it is the one the documented ACL rule already allows.
--
-- History: a failed attempt (retried or dead) is appended to the task's
-- history list; a successful one writes nothing (the record's own fields tell
-- the latest attempt). Each entry names its run (a retry from dead starts the
-- next). The list is trimmed to HISTORY_RUNS_KEPT times the attempts the task
-- may make: a retry keeps the failures that made it dead, and a task retried
-- by hand again and again keeps only its latest runs'.

-- Epoch ms of the start of the minute holding `now`.
local function minuteOf(now)
  return now - (now % 60000)
end

-- Adds a batch's completed and failed attempts to the current minute's counters.
local function countThroughput(base, now, completed, failed)
  if completed == 0 and failed == 0 then return end
  local key = base .. K_THROUGHPUT .. int(minuteOf(now))
  -- The expiry is set when a counter is created (its count is then this
  -- batch's), which includes the hash's creation: not on every settle.
  local created = false
  if completed > 0 then created = redis.call('HINCRBY', key, TP_COMPLETED, completed) == completed end
  if failed > 0 then created = (redis.call('HINCRBY', key, TP_FAILED, failed) == failed) or created end
  if created then redis.call('PEXPIRE', key, THROUGHPUT_TTL_MS) end
end

-- Appends one failed attempt to a task's history: `retryAt` is when the next
-- attempt is due (nil when this one ended it dead), `err` the error JSON.
local function recordFailedAttempt(base, taskKey, id, now, retryAt, err)
  local f = redis.call('HMGET', taskKey, R_ATTEMPTS, R_STARTED_AT, R_MAX_ATTEMPTS, R_RETRIES)
  local entry = {}
  entry[H_ATTEMPT] = f[1] or '0'
  entry[H_STARTED_AT] = f[2] or ''
  entry[H_ENDED_AT] = int(now)
  entry[H_RETRY_AT] = retryAt and int(retryAt) or ''
  entry[H_OUTCOME] = retryAt and HO_FAILED or HO_DEAD
  entry[H_RUN] = (tonumber(f[4]) or 0) + 1
  local historyKey = base .. K_HISTORY .. id
  -- The task now has a history list: its removal must delete it (see the plain flag).
  redis.call('HDEL', taskKey, R_PLAIN)
  redis.call('RPUSH', historyKey, table.concat(entry, HISTORY_FIELD_SEPARATOR) .. LIST_SEPARATOR .. err)
  redis.call('LTRIM', historyKey, -HISTORY_RUNS_KEPT * math.max(1, tonumber(f[3]) or 1), -1)
end
