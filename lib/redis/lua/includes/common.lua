-- Shared helpers, pasted by the script loader where a script says --@include common.
-- Upper-case names (KEY_*, ARG_*, R_*, S_*, K_*, E_*, ...) are protocol
-- constants generated from lib/redis/protocol.ts.

-- The queue's keys: KEYS itself, in the order every queue script takes them,
-- read as keys[KEY_WAIT] and so on. Copying them into a table with named
-- fields cost about 7,000 instructions per call (callgrind on redis-server).
local function queueKeys()
  return KEYS
end


-- A waiting task's score: priority in the high part (higher priority sorts
-- first), its enqueue sequence in the low 32 bits (FIFO among equal priority).
-- (2,000,001 priorities) * 2^32 stays below 2^53, so doubles hold it exactly.
local function waitScore(priority, seq)
  return (PRIORITY_ZERO_LEVEL - priority) * 4294967296 + (seq % 4294967296)
end

-- Wakes one worker blocked in BZPOPMIN on the marker key. The marker is one
-- member, so repeated wakes never grow the key; while it is already set (no
-- worker has taken it: all are busy) NX makes the ZADD change nothing, and a
-- ZADD that changes nothing signals no one.
local function wake(markKey)
  -- The score as text: a Lua number given to redis.call is turned into text with snprintf on every call.
  redis.call('ZADD', markKey, 'NX', '0', '0')
end

-- A task is one key: its record, a small hash of short fields, so Redis keeps
-- it in the compact listpack encoding. Its payload is in it too, as parts of
-- at most PAYLOAD_PART_BYTES (a longer value would make the hash a hash table),
-- unless it needs more than PAYLOAD_INLINE_PARTS of them: then it has a
-- payload key of its own (as every task written by 0.1.0 has). Tasks in a
-- dependency graph also have pending-dependency, dependency-result and
-- dependent keys (and the list of its dependencies as enqueued), a task whose
-- handler logged has a log list, and a task that failed an attempt has a history list.
-- Appends every key a task can have to `into`.
local function addTaskKeys(into, base, id)
  local n = #into
  into[n + 1] = base .. K_TASK .. id
  into[n + 2] = base .. K_PAYLOAD .. id
  into[n + 3] = base .. K_PENDING_DEPENDENCIES .. id
  into[n + 4] = base .. K_DEPENDENCY_RESULTS .. id
  into[n + 5] = base .. K_DEPENDENTS .. id
  into[n + 6] = base .. K_LOGS .. id
  into[n + 7] = base .. K_HISTORY .. id
  into[n + 8] = base .. K_DEPENDENCIES .. id
end

-- Appends the keys of a task being removed to `into`. A plain task (R_PLAIN:
-- set at enqueue, cleared once it gains other keys) has only its record, its
-- payload key unless the payload is in the record, and (when others depend on
-- it) its dependents set; any other task gets every key addTaskKeys lists. A
-- key that does not exist still costs DEL a lookup and its name a string
-- built here, and this runs for every task removed.
local function addRemovedTaskKeys(into, base, id, taskKey, plain, hasDependents, payloadInRecord)
  if plain then
    into[#into + 1] = taskKey
    if not payloadInRecord then into[#into + 1] = base .. K_PAYLOAD .. id end
    if hasDependents then into[#into + 1] = base .. K_DEPENDENTS .. id end
  else
    addTaskKeys(into, base, id)
  end
end

local function deleteTask(base, id)
  local doomed = {}
  addTaskKeys(doomed, base, id)
  redis.call('DEL', unpack(doomed))
end

-- One command for many members or keys (key nil: the list is the keys, as for
-- DEL), in slices: Lua's unpack holds a few thousand values at most. The slice
-- size is even, so a list of pairs (score and member, key and value) keeps each
-- pair in one command. Batching is what keeps an enqueue, a settle or a fetch
-- at a few commands per call instead of a few per task.
local function callSliced(command, key, list)
  for k = 1, #list, 1000 do
    local last = math.min(k + 999, #list)
    if key then redis.call(command, key, unpack(list, k, last)) else redis.call(command, unpack(list, k, last)) end
  end
end

-- Takes up to n ids off the front of a sorted set, or of a list (isList: the
-- wait list), and returns them: for the steps of drain and obliterate.
local function popFront(key, isList, n)
  if isList then
    local ids = redis.call('LRANGE', key, 0, n - 1)
    if #ids > 0 then redis.call('LTRIM', key, #ids, -1) end
    return ids
  end
  local ids = redis.call('ZRANGE', key, 0, n - 1)
  callSliced('ZREM', key, ids)
  return ids
end

-- Wakes a worker when this due time is the queue's earliest, so that worker
-- re-arms its local timer for it (delayed tasks never wait on Redis' own
-- blocking timeouts, which fire on the 100 ms server tick).
local function wakeIfEarliest(delayedKey, markKey, id)
  local first = redis.call('ZRANGE', delayedKey, 0, 0)
  if first[1] == id then
    wake(markKey)
  end
end

-- Appends an event to the queue's stream (bounded, approximate trimming), or,
-- when the queue's events are off (maxLen 0), only the final events of tasks
-- that a waitFor() is waiting on (the awaited flag), so waitFor works either
-- way and unobserved tasks cost no XADD. `maxLen` is the script's argument as
-- it came (text), which XADD takes as it is: a Lua number would be turned into
-- text with snprintf on every call (about 1,500 instructions).
local function emit(base, maxLen, taskKey, kind, id, name, attempt, value)
  local final = kind == T_COMPLETED or kind == T_DEAD
  if maxLen + 0 <= 0 then
    if not final or not redis.call('HGET', taskKey, R_AWAITED) then return end
    maxLen = 1000
  end
  -- One XADD per shape rather than a field table: this runs twice for every task.
  local stream, n = base .. K_EVENTS, name or ''
  if attempt and value then
    redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, kind, E_ID, id, E_NAME, n, E_ATTEMPT, attempt, E_VALUE, value)
  elseif attempt then
    redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, kind, E_ID, id, E_NAME, n, E_ATTEMPT, attempt)
  elseif value then
    redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, kind, E_ID, id, E_NAME, n, E_VALUE, value)
  else
    redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, kind, E_ID, id, E_NAME, n)
  end
end

-- The enqueued events of one call, or its started events, written as one
-- grouped entry listing the tasks (E_IDS, E_NAME or E_NAMES, E_ATTEMPTS)
-- instead of one entry each: one XADD per call rather than per task. Readers
-- expand it (event.codec.ts). A group of one is written in the single form.
local function newEventGroup(kind)
  return { kind = kind, ids = {}, names = {}, attempts = {} }
end

local function addToEventGroup(g, id, name, attempt)
  local k = #g.ids + 1
  g.ids[k], g.names[k] = id, name or ''
  if attempt then g.attempts[k] = attempt end
end

-- Writes the group's entries (EVENT_GROUP_MAX events at most each) and empties
-- it, so events emitted after these follow them in the stream. `maxLen` as for emit.
local function flushEventGroup(base, maxLen, g)
  local n = #g.ids
  if n == 0 then return end
  -- (With events off only final events are written, and grouped kinds are never final.)
  if n > 1 and maxLen + 0 <= 0 then n = 0 end
  local stream = base .. K_EVENTS
  for from = 1, n, EVENT_GROUP_MAX do
    local to = math.min(n, from + EVENT_GROUP_MAX - 1)
    if to == from then
      -- No task key: emit reads it only for final events.
      emit(base, maxLen, nil, g.kind, g.ids[from], g.names[from], g.attempts[from], nil)
    else
      local nameField, names = E_NAME, g.names[from]
      for k = from + 1, to do
        if g.names[k] ~= names then
          nameField, names = E_NAMES, table.concat(g.names, LIST_SEPARATOR, from, to)
          break
        end
      end
      local ids = table.concat(g.ids, LIST_SEPARATOR, from, to)
      if #g.attempts > 0 then
        redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, g.kind, E_IDS, ids, nameField, names,
          E_ATTEMPTS, table.concat(g.attempts, LIST_SEPARATOR, from, to))
      else
        redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', E_TYPE, g.kind, E_IDS, ids, nameField, names)
      end
    end
  end
  g.ids, g.names, g.attempts = {}, {}, {}
end

-- A task's own retention (REMOVE_AT_ONCE, or '<age>,<count>' with -1 for unset) over the module's:
-- whether it is removed at once, and the age and count limits its finish trims by.
local function ownRetention(text, age, count)
  if not text then return false, age, count end
  if text == REMOVE_AT_ONCE then return true, age, count end
  local a, c = string.match(text, '^(-?%d+),(-?%d+)$')
  a, c = tonumber(a), tonumber(c)
  return false, (a and a >= 0) and a or age, (c and c >= 0) and c or count
end

-- Keeps a finished-state sorted set within its retention: at most `count`
-- entries and none older than `ageMs`. `added` entries were just added; each
-- call removes up to twice that (at least 16), so a settle stays O(1)
-- amortised while always removing more than it adds.
local function trim(base, setKey, now, ageMs, count, added)
  local limit = math.max(16, 2 * (added or 1))
  local removed = {}
  if ageMs >= 0 then
    local old = redis.call('ZRANGEBYSCORE', setKey, '-inf', int(now - ageMs), 'LIMIT', 0, limit)
    for _, id in ipairs(old) do removed[#removed + 1] = id end
  end
  if count >= 0 then
    local excess = redis.call('ZCARD', setKey) - count - #removed
    if excess > 0 then
      -- The age pass took the oldest entries; the count pass continues after them.
      local oldest = redis.call('ZRANGE', setKey, #removed, #removed + math.min(excess, limit) - 1)
      for _, id in ipairs(oldest) do removed[#removed + 1] = id end
    end
  end
  if #removed == 0 then return end
  local doomed = {}
  for _, id in ipairs(removed) do
    local taskKey = base .. K_TASK .. id
    local f = redis.call('HMGET', taskKey, R_PLAIN, R_HAS_DEPENDENTS, R_PAYLOAD_PART1)
    addRemovedTaskKeys(doomed, base, id, taskKey, f[1], f[2], f[3])
  end
  callSliced('ZREM', setKey, removed)
  callSliced('DEL', nil, doomed)
end

-- Removes finished tasks past their retention's age from a finished-state set
-- (at most `limit`), for the workers' periodic recovery: trim runs only as
-- tasks finish, so a queue gone quiet would keep its finished tasks past their
-- age. The candidates are those older than the module's age; one with its own
-- retention (`ownField`) goes by its own age instead, and is kept while younger
-- than that. The oldest page is read first; when it does not fill the limit
-- and more candidates wait behind it, a second page is read at a random rank,
-- so tasks kept at the old end (removeOnComplete false, a long age of their
-- own) cannot hide the others from every run. Ranks, not score offsets: ZRANGE
-- by rank costs O(log n) however far in.
local function sweepByAge(base, setKey, now, ownField, moduleAge, limit)
  if moduleAge < 0 then return 0 end
  local candidates = redis.call('ZCOUNT', setKey, '-inf', int(now - moduleAge))
  if candidates == 0 then return 0 end
  local removed, doomed = {}, {}
  local function page(from)
    local old = redis.call('ZRANGE', setKey, from, math.min(from + limit, candidates) - 1, 'WITHSCORES')
    for i = 1, #old, 2 do
      if #removed >= limit then return end
      local id = old[i]
      local taskKey = base .. K_TASK .. id
      local f = redis.call('HMGET', taskKey, R_PLAIN, R_HAS_DEPENDENTS, R_PAYLOAD_PART1, ownField)
      local _, age = ownRetention(f[4], moduleAge, -1)
      if age >= 0 and tonumber(old[i + 1]) <= now - age then
        removed[#removed + 1] = id
        addRemovedTaskKeys(doomed, base, id, taskKey, f[1], f[2], f[3])
      end
    end
  end
  page(0)
  if #removed < limit and candidates > limit then
    -- Random, not the time in ms: recovery runs on an interval, so ms modulo a round number barely moves
    -- from run to run. The microseconds of TIME do (an interval drifts by hundreds of them), and
    -- math.random too on Redis 7 (Redis 6 seeds it the same for every script).
    local t = redis.call('TIME')
    page(limit + (t[2] + math.random(0, 999999)) % (candidates - limit))
  end
  callSliced('ZREM', setKey, removed)
  callSliced('DEL', nil, doomed)
  return #removed
end

-- Fleet-wide handler limits: a task of a limited handler counts in its
-- handler's running counter while it runs (its record carries the
-- counted-in-limit flag); one that could not start because its handler was at
-- its limit waits parked (by its wait score) and goes back to waiting when a
-- run of that handler ends.
local function releaseHandlerSlot(base, keys, taskKey, name)
  redis.call('HDEL', taskKey, R_COUNTED_IN_LIMIT)
  -- The counter exists only while runs are in progress, so a queue's keys can
  -- all be found from its sets (obliterate relies on it).
  local running = base .. K_HANDLER_RUNNING .. name
  if redis.call('DECR', running) <= 0 then redis.call('DEL', running) end
  local parked = redis.call('ZPOPMIN', base .. K_HANDLER_PARKED .. name, 1)
  if parked[1] then
    redis.call('ZADD', keys[KEY_WAIT], parked[2], parked[1])
    wake(keys[KEY_MARK])
  end
end

-- Ends a task's lease bookkeeping that does not depend on how it ended.
local function endLease(base, keys, taskKey, id, name, counted)
  redis.call('ZREM', keys[KEY_ACTIVE], id)
  redis.call('HDEL', taskKey, R_LEASE_TOKEN)
  if counted then releaseHandlerSlot(base, keys, taskKey, name) end
end
