-- listWaiting: one page of list('waiting'): the waiting tasks in the order they run, as fetch merges them:
-- the wait list (tasks of priority 0, in enqueue order) with the wait set and every parked set (gp:<name>),
-- by wait score. Well-formed tasks never tie: a wait score ends with the task's own enqueue sequence number,
-- drawn once from the queue's counter and never rewritten. Ties from hand edits go one fixed way here: a
-- set's member before a list entry (as the merge this replaced did; fetch takes the list entry first), the
-- wait set's before a parked set's, parked sets by name (byte order), one set's members in its order.
-- KEYS: the queue keys of protocol.ts; it reads the wait set, and under the same hash tag (one Cluster
--   slot) the keys built from the base: the wait list, the compact records, the parked names, each name's
--   parked set and the wait score in record keys. It writes nothing.
-- ARGV: SCRIPTS.listWaiting of protocol.ts: the key base, the page's offset and its length.
-- Returns the page's ids in run order. An entry whose record is gone may be among them: the caller leaves
--   it out, as it does a task that moved on.
-- One script, so the page is one snapshot: between separate reads a fetch could take tasks from the front
-- of the list while the sets were read, and the page would skip or repeat some.
--
-- Cost: O(S^2 log n) commands plus O(limit), whatever the mix, for S sets holding tasks (the wait set and
-- each handler name with tasks parked: usually 1 or 2) (reading the list's front up to the offset cost
-- two HGETs per entry: 2 s for the last page of 50,000 tasks behind one task of priority 1). It rests on the
-- wait list being in wait-score order. Its only writer is the enqueue's RPUSH (flushAdds in add-task.lua,
-- for enqueue and fire-schedule), whose ids are in sequence order, and the sequence counter (seq) only grows
-- (obliterate deletes it in the step that deletes the emptied list). Fetch, cancel, drain and obliterate
-- only remove entries, and a wait-list task's wait score is written once, at its enqueue (a compact record's
-- sequence number, copied as it is when compact.lua writes its record key). (Past 2^32 enqueues on one queue
-- the scores wrap, for fetch's merge as for this one; an evicted or deleted seq key would break the order too.)
-- So list entry j's place in the merged order, j plus the set members of a score up to its own, grows with j:
-- a binary search over j (one LINDEX, its score and a ZCOUNT per set each step) finds how many list entries
-- come before the offset, between offset less the sets' size and the offset, so it takes about
-- log2(set members) steps. The sets' part starts at the offset less that, a rank in the sets merged; with
-- parked sets, a binary search over each set's ranks (ZCOUNT in the others) finds how much of it lies before.
-- Then at most `limit` ids from each part are merged.
-- An entry without a readable record (an eviction or a hand edit removed it) has no score: it is placed
-- right behind the entry before it, which is where fetch meets it (and drops it), and it counts in the
-- offsets as it counts in counts(). The search gives it the score of the nearest entry before it that has
-- one, looked for among the 100 before it; past that (a run of more damaged entries), 0: the pages around
-- such a run may then repeat or skip tasks until fetches have dropped it.

--@include time
--@include common
--@include compact

local base = ARGV[ARG_BASE]
local offset, limit = ARGV[ARG_OFFSET] + 0, ARGV[ARG_LIMIT] + 0
local listKey = base .. K_WAIT_LIST
-- How many entries before a damaged one are looked at for its score (see above).
local lookback = 100

-- Whether `a` sorts before `b` byte by byte (Lua's own comparison follows the server's collation locale,
-- and Redis 6.2 sorts SMEMBERS' reply to a script, 7 does not: the order of ties must be neither's).
local function bytesBefore(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- The sets that have members, in the order their ties go, and their sizes.
local sets, sizes, inSets = {}, {}, 0
local function addSet(key)
  local n = redis.call('ZCARD', key)
  if n > 0 then
    local k = #sets + 1
    sets[k], sizes[k] = key, n
    inSets = inSets + n
  end
end
addSet(KEYS[KEY_WAIT])
local names = redis.call('SMEMBERS', base .. K_PARKED_NAMES)
table.sort(names, bytesBefore)
for _, name in ipairs(names) do addSet(base .. K_HANDLER_PARKED .. name) end

-- Most queues: nothing in a set, and the list alone is the order.
if #sets == 0 then return redis.call('LRANGE', listKey, offset, offset + limit - 1) end
local listLength = redis.call('LLEN', listKey)

-- How many set members come before a list entry merged by wait score `s` (a tie: the member first).
local function setsBefore(s)
  local text, n = int(s), 0
  for i = 1, #sets do n = n + redis.call('ZCOUNT', sets[i], '-inf', text) end
  return n
end

-- The wait score list entry j (`id`) is merged by: its own, or for one without a readable record, that of
-- the nearest of the `lookback` entries before it that has one; 0 (the front) when none has.
local function listScoreAt(j, id)
  local s = listEntryScore(base, id)
  if s then return s end
  if j > 0 then
    local before = redis.call('LRANGE', listKey, math.max(0, j - lookback), j - 1)
    for k = #before, 1, -1 do
      s = listEntryScore(base, before[k])
      if s then return s end
    end
  end
  return 0
end

-- How many list entries come before the offset: the first entry whose place is at or past it. At least
-- offset - inSets of them do (only that many set members can come first), at most offset.
local lo, hi = math.max(0, math.min(listLength, offset - inSets)), math.min(listLength, offset)
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  if mid + setsBefore(listScoreAt(mid, redis.call('LINDEX', listKey, mid))) >= offset then hi = mid else lo = mid + 1 end
end
local listFrom = lo
local setRank = offset - listFrom

-- Where each set's part starts: how many of its members come among the first setRank of all the sets'
-- members merged. Member r of set i comes after r members of its own, the members of an earlier set with
-- a score up to its own and those of a later set with a lower score; that grows with r. The last set
-- holds the rest.
local starts, taken = {}, 0
for i = 1, #sets do
  local from
  if i == #sets then
    from = math.min(sizes[i], setRank - taken)
  else
    local low, high = math.max(0, math.min(sizes[i], setRank - (inSets - sizes[i]))), math.min(sizes[i], setRank)
    while low < high do
      local mid = math.floor((low + high) / 2)
      local score = redis.call('ZRANGE', sets[i], mid, mid, 'WITHSCORES')[2]
      local place = mid
      for k = 1, #sets do
        if k < i then
          place = place + redis.call('ZCOUNT', sets[k], '-inf', score)
        elseif k > i then
          place = place + redis.call('ZCOUNT', sets[k], '-inf', '(' .. score)
        end
      end
      if place >= setRank then high = mid else low = mid + 1 end
    end
    from = low
  end
  starts[i] = from
  taken = taken + from
end

-- The list's part, with the score each entry is merged by. A damaged one gets 0: it comes right after the
-- entry before it, and the set members that belong before it came before that one (or before the offset).
local listIds, listScores = {}, {}
if listFrom < listLength then
  listIds = redis.call('LRANGE', listKey, listFrom, listFrom + limit - 1)
  local texts = compactTexts(base, listIds)
  for k = 1, #listIds do
    local c = texts[k] and parseCompact(texts[k])
    if c then
      listScores[k] = compactWaitScore(c)
    else
      listScores[k] = tonumber(redis.call('HGET', base .. K_TASK .. listIds[k], R_WAIT_SCORE)) or 0
    end
  end
end

-- Each set's part (member, score, ...; the scores made numbers once), then the merge: the lowest score
-- first, a tie to a set, and among sets to the earlier one.
local parts, at = {}, {}
for i = 1, #sets do
  local part = {}
  if starts[i] < sizes[i] then part = redis.call('ZRANGE', sets[i], starts[i], starts[i] + limit - 1, 'WITHSCORES') end
  for k = 2, #part, 2 do part[k] = tonumber(part[k]) end
  parts[i], at[i] = part, 1
end
local page, li = {}, 1
while #page < limit do
  local best, bestScore = nil, nil
  for i = 1, #sets do
    local s = parts[i][at[i] + 1]
    if s and (not best or s < bestScore) then best, bestScore = i, s end
  end
  if listIds[li] and (not best or listScores[li] < bestScore) then
    page[#page + 1] = listIds[li]
    li = li + 1
  elseif best then
    page[#page + 1] = parts[best][at[best]]
    at[best] = at[best] + 2
  else
    break
  end
end
return page
