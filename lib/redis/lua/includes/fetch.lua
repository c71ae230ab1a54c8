-- Moves due delayed tasks to waiting, then takes up to f.n waiting tasks for
-- one worker: each gets a lease (its score in the active set is the lease's
-- expiry in Redis time) and a lease token that later settles must present.
-- Nothing is taken while the queue is paused; the queue's rate limit
-- (f.rateMax starts per f.ratePerMs, fleet-wide) and its handlers' fleet-wide
-- limits (f.limits: name -> most running, nil when none) are enforced here, atomically with
-- the taking, so no two workers can both see room for one more. A task whose
-- handler this worker lacks (f.names) is parked for a live worker that carries it.
-- Returns the fetch reply of protocol.ts: look again in ms (-1 = no need: the
-- next delayed task's due time or the end of the rate limit's window), the
-- ids of broken entries, then one row per task taken.

--@include compact

local function promoteDue(base, keys, now)
  local due = redis.call('ZRANGEBYSCORE', keys[KEY_DELAYED], '-inf', int(now), 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    local taskKey = base .. K_TASK .. id
    local ws = redis.call('HGET', taskKey, R_WAIT_SCORE)
    if ws then
      redis.call('ZADD', keys[KEY_WAIT], ws, id)
      redis.call('HSET', taskKey, R_STATE, S_WAITING)
    end
    redis.call('ZREM', keys[KEY_DELAYED], id)
  end
end

-- Takes a queued id whose record is gone or broken out of the way: a broken
-- record goes to dead with the reason, its dead event (a waitFor ends on it)
-- and its dependents told; a gone one can only be dropped.
local function moveBroken(base, keys, now, evMaxLen, id, taskKey)
  if redis.call('EXISTS', taskKey) == 0 then
    redis.call('DEL', base .. K_PAYLOAD .. id)
  else
    local err = cjson.encode({ message = 'task record is broken: its name, max attempts or payload is missing' })
    redis.call('HSET', taskKey, R_STATE, S_DEAD, R_FINISHED_AT, int(now), R_ERROR, err)
    redis.call('ZADD', keys[KEY_DEAD], int(now), id)
    local f = redis.call('HMGET', taskKey, R_NAME, R_HAS_DEPENDENTS)
    emit(base, evMaxLen, taskKey, T_DEAD, id, f[1], nil, err)
    if f[2] then notifyDependents(base, keys, now, evMaxLen, id, S_DEAD, 'its record is broken', nil) end
  end
end

-- The due time of the first delayed task, or nil. ZCARD first: ZRANGE costs
-- three times as much even on an empty set, and most fetches find none delayed.
local function firstDue(keys)
  if redis.call('ZCARD', keys[KEY_DELAYED]) == 0 then return nil end
  return tonumber(redis.call('ZRANGE', keys[KEY_DELAYED], 0, 0, 'WITHSCORES')[2])
end

-- Where the wait scores of priority 0 (the wait list's tasks) start, and where
-- those of lower priorities start (see waitScore in common.lua).
local priorityZeroScore = PRIORITY_ZERO_LEVEL * 4294967296
local belowZeroScore = (PRIORITY_ZERO_LEVEL + 1) * 4294967296

-- The compact records of the ids peekWaiting took from the wait list, as an
-- array in step with `popped` (false where an id has none, or came from the
-- wait set), one HMGET per thousand ids; nil when none came from the list.
local function compactRecordsOf(base, popped, zsetIds, fromList)
  if fromList == 0 then return nil end
  if #zsetIds == 0 then return compactTexts(base, popped) end
  local inSet = {}
  for _, id in ipairs(zsetIds) do inSet[id] = true end
  local listIds, at = {}, {}
  for i, id in ipairs(popped) do
    if not inSet[id] then
      listIds[#listIds + 1] = id
      at[#at + 1] = i
    end
  end
  local texts = compactTexts(base, listIds)
  local aligned = {}
  for i = 1, #popped do aligned[i] = false end
  for j = 1, #listIds do aligned[at[j]] = texts[j] end
  return aligned
end

-- The first `want` waiting ids in the order they run, without taking them:
-- the wait list (priority 0, in enqueue order, so in wait-score order) merged
-- with the wait set by wait score. A list entry's score is read from its
-- compact record or record key, and only when a wait-set entry of priority 0 is there to compare it
-- with (a task put back in its old place). Returns the ids, those of them
-- from the wait set, how many come from the list (its first ones), whether
-- they are all that waits, and whether more is known to wait (else unknown).
-- setEmpty: the caller knows the wait set is empty.
local function peekWaiting(base, keys, want, setEmpty)
  local listKey = base .. K_WAIT_LIST
  -- Most fetches: nothing in the wait set, so no score to read or compare.
  -- One id more than wanted tells whether more waits, without an LLEN.
  if setEmpty or redis.call('ZCARD', keys[KEY_WAIT]) == 0 then
    local ids = redis.call('LRANGE', listKey, 0, want)
    local more = #ids > want
    if more then ids[#ids] = nil end
    return ids, {}, #ids, not more, more
  end
  local z = redis.call('ZRANGE', keys[KEY_WAIT], 0, want - 1, 'WITHSCORES')
  local zn = #z / 2
  local list = {}
  -- Enough wait-set entries, all of a higher priority: the list cannot come first.
  if zn < want or tonumber(z[2 * zn]) >= priorityZeroScore then
    list = redis.call('LRANGE', listKey, 0, want - 1)
  end
  local ids, zsetIds, fromList = {}, {}, 0
  local zi, li, listScore = 1, 1, nil
  while #ids < want and (zi <= zn or li <= #list) do
    local fromSet
    if zi > zn then
      fromSet = false
    elseif li > #list then
      fromSet = true
    else
      local zs = tonumber(z[2 * zi])
      if zs < priorityZeroScore then
        fromSet = true
      elseif zs >= belowZeroScore then
        fromSet = false
      else
        -- A record gone from under its entry scores 0: it is taken (and dropped as broken) first.
        listScore = listScore or listEntryScore(base, list[li]) or 0
        fromSet = zs < listScore
      end
    end
    if fromSet then
      ids[#ids + 1] = z[2 * zi - 1]
      zsetIds[#zsetIds + 1] = z[2 * zi - 1]
      zi = zi + 1
    else
      ids[#ids + 1] = list[li]
      li, listScore, fromList = li + 1, nil, fromList + 1
    end
  end
  return ids, zsetIds, fromList, zi > zn and zn < want and li > #list and #list < want, false
end

-- Takes what peekWaiting returned out of the wait set and the wait list.
local function takeWaiting(base, keys, zsetIds, fromList)
  callSliced('ZREM', keys[KEY_WAIT], zsetIds)
  -- LPOP for one: LTRIM's start would be a Lua number turned into text.
  if fromList == 1 then
    redis.call('LPOP', base .. K_WAIT_LIST)
  elseif fromList > 1 then
    redis.call('LTRIM', base .. K_WAIT_LIST, fromList, -1)
  end
end

local function fetchTasks(base, keys, now, evMaxLen, f)
  -- Most fetches find a quiet queue: nothing delayed, nothing in the wait set
  -- (tasks of priority 0 wait in the list), not paused, nothing parked. One
  -- EXISTS of the four keys tells (Redis deletes a set once it is empty) and
  -- saves the three commands that would look at them one by one. Nothing
  -- below adds to the wait set of a quiet queue, so it stays empty throughout.
  local quiet = redis.call('EXISTS', keys[KEY_DELAYED], keys[KEY_WAIT], keys[KEY_PAUSED], base .. K_PARKED_NAMES) == 0
  local nextDue, handOverEnds = nil, nil
  if not quiet then
    -- Read first: promoting is needed only when the first delayed task is due, and
    -- nothing below adds to the delayed set, so its due time is still right at the end.
    nextDue = firstDue(keys)
    if nextDue and nextDue <= now then
      promoteDue(base, keys, now)
      nextDue = firstDue(keys)
    end
  end
  local out = {}
  out[REPLY_FETCH_LOOK_AGAIN_MS] = -1
  out[REPLY_FETCH_BROKEN_IDS] = ''
  -- When the tasks it takes start (their record's startedAt): with the id and token, it names the lease exactly.
  out[REPLY_FETCH_STARTED_AT] = int(now)
  -- The tables that only broken entries, limited handlers, parked tasks and
  -- payloads in keys of their own need are made when first needed: every table
  -- is an allocation, and allocating (with the collection it leads to) is about
  -- a third of what a script costs Redis.
  local missing = nil
  local lookAgain = nil
  local n = f.n
  if n > 0 and not quiet and redis.call('EXISTS', keys[KEY_PAUSED]) == 1 then n = 0 end
  if n > 0 and f.rateMax > 0 then
    local allowed = f.rateMax - (tonumber(redis.call('GET', keys[KEY_RATE])) or 0)
    if allowed <= 0 then
      n = 0
      lookAgain = math.max(1, redis.call('PTTL', keys[KEY_RATE]))
    elseif allowed < n then
      n = allowed
    end
  end
  -- Parked tasks are put back for what this call may take (n), not what it asked for: a paused queue or
  -- one out of rate allowance puts none back, nor wakes other workers for them.
  if not quiet then handOverEnds = unparkRunnable(base, keys, now, f, n) end
  local started = 0
  -- Entries taken without starting (broken, or parked): popping goes on past
  -- them, so real tasks behind a run of broken entries start in this call.
  local skipped = 0
  local row = REPLY_FETCH_ROW_FIRST
  -- Runs in progress of each limited handler: read once, counted here as this call starts more.
  local running = nil
  local startEvents = newEventGroup(T_STARTED)
  -- Set once a round takes all that was waiting: no need to look again, or to count what is left.
  -- moreWaits: the last round saw more waiting than it took.
  local drained, moreWaits = false, false
  while not drained and n > 0 and started < n and skipped < FETCH_SKIP_LIMIT do
    -- Every read of a round comes before its first write: on a Cluster, a key
    -- whose slot is being migrated stops the script at the command that reads
    -- it, and the peeked ids must then still be waiting, not popped and lost.
    local popped, zsetIds, fromList
    popped, zsetIds, fromList, drained, moreWaits = peekWaiting(base, keys, n - started, quiet)
    if #popped == 0 then break end
    local expiry = int(now + f.leaseMs)
    -- Parallel arrays, not a table per task: this runs for every task fetched,
    -- and a small table with named fields costs more in Lua than the commands around it.
    local ids, taskKeys, records, payloads, limits, actions = {}, {}, {}, {}, {}, {}
    -- Wait scores of the tasks parked or handed over, by row.
    local scores = nil
    -- Payloads too long for their records (or written by 0.1.0): their keys, and where each goes in payloads.
    local payloadKeys, payloadAt = nil, nil
    -- The compact records met (compact[k]: true for a task taken with one),
    -- and the ids that had one: each leaves the compact-record hash in this
    -- round, whatever happens to it.
    local texts = compactRecordsOf(base, popped, zsetIds, fromList)
    local compact, compactIds = {}, {}
    for i = 1, #popped do
      local id = popped[i]
      local taskKey = base .. K_TASK .. id
      local text = texts and texts[i]
      local r
      if text then
        compactIds[#compactIds + 1] = id
        -- Its name, max attempts and backoff sit where the HMGET below puts a
        -- record's; unreadable (written by hand): an empty table, moved out of the way as broken.
        r = parseCompact(text) or {}
      else
        r = redis.call('HMGET', taskKey, R_NAME, R_ATTEMPTS, R_MAX_ATTEMPTS, R_BACKOFF, R_TIMEOUT, R_RUN_AT, R_ENQUEUED_AT,
          R_TRACE_CONTEXT, R_TRACE_LINK, R_PAYLOAD_PART1, R_PAYLOAD_PART2, R_PAYLOAD_PART3, R_PAYLOAD_PART4)
      end
      local limit = r[1] and f.limits and f.limits[r[1]]
      if limit then
        running = running or {}
        if not running[r[1]] then running[r[1]] = tonumber(redis.call('GET', base .. K_HANDLER_RUNNING .. r[1])) or 0 end
      end
      local k = #ids + 1
      ids[k], taskKeys[k], records[k], limits[k], compact[k] = id, taskKey, r, limit or false, text and true
      -- Parts are written in order, so the first missing one ends the payload.
      if text then
        -- JSON is never empty, nor is a name: an empty one was lost (a hand edit), and the task is broken.
        local payload, tail = r[CR_PAYLOAD], r[CR_PAYLOAD_TAIL]
        payloads[k] = payload ~= '' and r[1] ~= '' and payload and (tail == '' and payload or payload .. tail)
      elseif not r[10] then
        payloadKeys, payloadAt = payloadKeys or {}, payloadAt or {}
        payloadKeys[#payloadKeys + 1] = base .. K_PAYLOAD .. id
        payloadAt[#payloadAt + 1] = k
      elseif not r[11] then
        payloads[k] = r[10]
      elseif not r[12] then
        payloads[k] = r[10] .. r[11]
      else
        payloads[k] = r[10] .. r[11] .. r[12] .. (r[13] or '')
      end
    end
    for k = 1, payloadKeys and #payloadKeys or 0, 1000 do
      local got = redis.call('MGET', unpack(payloadKeys, k, math.min(k + 999, #payloadKeys)))
      for j = 1, #got do payloads[payloadAt[k + j - 1]] = got[j] end
    end
    local leases = {}
    local handOverUntil = nil
    for k = 1, #ids do
      local r, limit = records[k], limits[k]
      if not r[1] or not payloads[k] or not tonumber(r[3]) then
        actions[k] = 'broken'
      elseif f.names and not f.names[r[1]] and carriedUntil(keys, now, r[1]) then
        actions[k] = 'handover'
        handOverUntil, scores = handOverUntil or {}, scores or {}
        handOverUntil[k] = carriedUntil(keys, now, r[1])
        scores[k] = compact[k] and int(compactWaitScore(r)) or redis.call('HGET', taskKeys[k], R_WAIT_SCORE) or '0'
      elseif limit and running[r[1]] >= limit then
        actions[k] = 'park'
        scores = scores or {}
        scores[k] = compact[k] and int(compactWaitScore(r)) or redis.call('HGET', taskKeys[k], R_WAIT_SCORE) or '0'
      else
        actions[k] = 'start'
        if limit then running[r[1]] = running[r[1]] + 1 end
        leases[#leases + 1] = expiry
        leases[#leases + 1] = ids[k]
      end
    end
    takeWaiting(base, keys, zsetIds, fromList)
    callSliced('ZADD', keys[KEY_ACTIVE], leases)
    local startedAt = int(now)
    -- The lease's start ends its token: a task retried from dead starts again at attempt 1, and the
    -- same worker may take it while a stalled run of its earlier lease still goes on; that run's
    -- settle, renewal, progress and log must not pass for the new lease's.
    local tokenEnd = LEASE_TOKEN_SEPARATOR .. startedAt
    for k = 1, #ids do
      local id, taskKey, r, action = ids[k], taskKeys[k], records[k], actions[k]
      if action == 'broken' then
        missing = missing or {}
        missing[#missing + 1] = id
        skipped = skipped + 1
        -- A readable compact record becomes a record key first, so the task goes to dead with the reason.
        if compact[k] and r[1] then writeFromCompact(base, id, r, S_WAITING) end
        moveBroken(base, keys, now, evMaxLen, id, taskKey)
      elseif action == 'handover' then
        if not handOverEnds or handOverUntil[k] < handOverEnds then handOverEnds = handOverUntil[k] end
        if compact[k] then writeFromCompact(base, id, r, S_WAITING) end
        park(base, id, scores[k], r[1])
        wake(base .. K_HANDLER_MARK .. r[1])
        skipped = skipped + 1
      elseif action == 'park' then
        if compact[k] then writeFromCompact(base, id, r, S_WAITING) end
        park(base, id, scores[k], r[1])
        skipped = skipped + 1
      else
        -- As text, converted once (or not at all for a first attempt): the record, the
        -- lease token, the event and the reply each take it, and every conversion
        -- of a Lua number to text is a call of snprintf.
        local attempt = '1'
        local token
        -- Past the worker's free slots, the task waits in its buffer: marked with the lease's start, so that
        -- recovery can tell a lease that may not have begun its attempt (see recover.lua).
        local ahead = started >= f.startNow
        if compact[k] then
          -- Its record key, written whole: the compact record's fields and the attempt's.
          token = f.token .. LEASE_TOKEN_SEPARATOR .. attempt .. tokenEnd
          writeFromCompact(base, id, r, S_ACTIVE, attempt, startedAt, token, ahead)
        else
          if r[2] then attempt = ((tonumber(r[2]) or 0) + 1) .. '' end
          token = f.token .. LEASE_TOKEN_SEPARATOR .. attempt .. tokenEnd
          if ahead then
            redis.call('HSET', taskKey, R_STATE, S_ACTIVE, R_ATTEMPTS, attempt, R_STARTED_AT, startedAt, R_LEASE_TOKEN, token, R_LEASED_AHEAD, startedAt)
          else
            redis.call('HSET', taskKey, R_STATE, S_ACTIVE, R_ATTEMPTS, attempt, R_STARTED_AT, startedAt, R_LEASE_TOKEN, token)
          end
        end
        if limits[k] then
          redis.call('INCR', base .. K_HANDLER_RUNNING .. r[1])
          redis.call('HSET', taskKey, R_COUNTED_IN_LIMIT, '1')
        end
        addToEventGroup(startEvents, id, r[1], attempt)
        started = started + 1
        out[row + REPLY_FETCH_ROW_ID] = id
        out[row + REPLY_FETCH_ROW_NAME] = r[1]
        out[row + REPLY_FETCH_ROW_PAYLOAD] = payloads[k]
        out[row + REPLY_FETCH_ROW_ATTEMPT] = attempt
        out[row + REPLY_FETCH_ROW_MAX_ATTEMPTS] = r[3]
        out[row + REPLY_FETCH_ROW_BACKOFF] = r[4] or ''
        if compact[k] then
          local x = compactExtras(r)
          out[row + REPLY_FETCH_ROW_TIMEOUT_MS] = x and x[CX_TIMEOUT_MS] ~= '' and x[CX_TIMEOUT_MS] or '0'
          out[row + REPLY_FETCH_ROW_ENQUEUED_AT] = r[CR_ENQUEUED_AT]
          out[row + REPLY_FETCH_ROW_WAITED_MS] = math.max(0, now - r[CR_ENQUEUED_AT])
          out[row + REPLY_FETCH_ROW_TRACE_CONTEXT] = x and x[CX_TRACE_CONTEXT] or ''
          out[row + REPLY_FETCH_ROW_TRACE_LINK] = x and x[CX_TRACE_LINK] or ''
        else
          out[row + REPLY_FETCH_ROW_TIMEOUT_MS] = r[5] or '0'
          out[row + REPLY_FETCH_ROW_ENQUEUED_AT] = r[7] or '0'
          out[row + REPLY_FETCH_ROW_WAITED_MS] = math.max(0, now - (tonumber(r[6]) or tonumber(r[7]) or now))
          out[row + REPLY_FETCH_ROW_TRACE_CONTEXT] = r[8] or ''
          out[row + REPLY_FETCH_ROW_TRACE_LINK] = r[9] or ''
        end
        row = row + REPLY_FETCH_ROW_WIDTH
      end
    end
    callSliced('HDEL', base .. K_COMPACT_RECORDS, compactIds)
  end
  flushEventGroup(base, evMaxLen, startEvents)
  if started > 0 then
    if f.rateMax > 0 then
      redis.call('INCRBY', keys[KEY_RATE], started)
      if redis.call('PTTL', keys[KEY_RATE]) < 0 then redis.call('PEXPIRE', keys[KEY_RATE], f.ratePerMs) end
    end
    if not drained and (moreWaits or (not quiet and redis.call('ZCARD', keys[KEY_WAIT]) > 0) or redis.call('LLEN', base .. K_WAIT_LIST) > 0) then
      -- More is waiting than this worker took: pass the wake-up on to another.
      wake(keys[KEY_MARK])
    end
  end
  if handOverEnds and (not lookAgain or handOverEnds - now < lookAgain) then lookAgain = handOverEnds - now end
  if nextDue then
    local due = math.max(0, nextDue - now)
    if not lookAgain or due < lookAgain then lookAgain = due end
  end
  if lookAgain then out[REPLY_FETCH_LOOK_AGAIN_MS] = lookAgain end
  if missing then out[REPLY_FETCH_BROKEN_IDS] = table.concat(missing, LIST_SEPARATOR) end
  return out
end

-- The fetch arguments of this script (ARG_FETCH_COUNT ...; see protocol.ts).
-- Handler limits arrive as name and limit alternating, LIST_SEPARATOR-joined.
-- The numbers are integers the worker wrote; arithmetic converts them (a call
-- of tonumber costs more), and string.gmatch runs only on a list of more
-- than one item: most workers have no limits and one handler name.
local function fetchArgs()
  -- nil: no handler of this worker has a fleet-wide limit (most workers).
  local limits = nil
  local limitList = ARGV[ARG_HANDLER_LIMITS]
  if limitList ~= '' then
    limits = {}
    local name = nil
    for item in string.gmatch(limitList, '[^' .. LIST_SEPARATOR .. ']+') do
      if name then
        limits[name] = item + 0
        name = nil
      else
        name = item
      end
    end
  end
  -- nil: the worker runs every name (an engine-level caller with no handlers of its own).
  local names = nil
  local nameList = ARGV[ARG_HANDLER_NAMES]
  if nameList ~= '' then
    if not string.find(nameList, LIST_SEPARATOR, 1, true) then
      names = { [nameList] = true }
    else
      for item in string.gmatch(nameList, '[^' .. LIST_SEPARATOR .. ']+') do
        names = names or {}
        names[item] = true
      end
    end
  end
  return {
    n = ARGV[ARG_FETCH_COUNT] + 0, startNow = ARGV[ARG_START_NOW] + 0, token = ARGV[ARG_WORKER_TOKEN], leaseMs = ARGV[ARG_LEASE_MS] + 0,
    rateMax = ARGV[ARG_RATE_MAX] + 0, ratePerMs = ARGV[ARG_RATE_PER_MS] + 0, limits = limits, names = names,
  }
end
