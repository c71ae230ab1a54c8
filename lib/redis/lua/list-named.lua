-- listNamed: one chunk of list(..., { name }): the tasks of one name among the next entries of one state's
-- set (waiting: also of the wait list, and once the name's parked set).
-- KEYS: the queue keys of protocol.ts; it reads the state's sorted set (waiting: also the wait list and
--   the name's parked set) and the records built from the base.
-- ARGV: SCRIPTS.listNamed of protocol.ts: the key base, the events setting, the state letter (S_*), the name,
--   the chunk size, then where the set's part and the list's part start (see protocol.ts).
-- Returns the listNamed reply: where the next chunk starts, then each match's id and score, in the set's
--   order (waiting: the set's matches, then the list's and the parked ones; the caller orders them by score).
-- Bounded: one HGET per entry of the chunk (the wait list's compact records one HMGET per thousand); the
-- caller reads a state's first NAME_SCAN_WINDOW entries a chunk at a time, so no one call holds Redis for
-- long. Each chunk starts after the entry the last one ended with (the set: its place now, or after its
-- score and member when it left; the list: after its id), not at a rank: tasks that leave the front between
-- chunks (fetched, trimmed, removed) would otherwise shift others into the part already read, and be missed.

--@include time
--@include common
--@include compact

local base, state, name = ARGV[ARG_BASE], ARGV[ARG_STATE], ARGV[ARG_NAME]
local count = tonumber(ARGV[ARG_COUNT])
local sets = { [S_WAITING] = KEY_WAIT, [S_DELAYED] = KEY_DELAYED, [S_BLOCKED] = KEY_BLOCKED, [S_COMPLETED] = KEY_COMPLETED, [S_DEAD] = KEY_DEAD }
local setKey = KEYS[sets[state]]
local reply = { 0, '', '', 0, '' }

-- Whether `a` sorts after `b` byte by byte, as Redis orders members of one score (Lua's own comparison
-- follows the server's collation locale).
local function bytesAfter(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end

-- The rank of the first entry after (score, member) in the set's order: the member's place now, or, when it
-- left the set, past the entries of a lower score and those of that score up to it (ties are in member order).
local function rankAfter(score, member)
  local at = redis.call('ZRANK', setKey, member)
  if at then return at + 1 end
  local rank = redis.call('ZCOUNT', setKey, '-inf', '(' .. score)
  while true do
    local e = redis.call('ZRANGE', setKey, rank, rank + count - 1, 'WITHSCORES')
    if #e == 0 then return rank end
    for i = 1, #e, 2 do
      if e[i + 1] ~= score or bytesAfter(e[i], member) then return rank + (i - 1) / 2 end
    end
    rank = rank + #e / 2
  end
end

if ARGV[ARG_READ_SET] == '1' then
  local first = ARGV[ARG_SET_FROM] == '' and 0 or rankAfter(ARGV[ARG_SET_FROM], ARGV[ARG_SET_AFTER])
  local entries = redis.call('ZRANGE', setKey, first, first + count - 1, 'WITHSCORES')
  if #entries > 0 then
    reply[REPLY_LIST_NAMED_SET_MORE] = #entries == 2 * count and 1 or 0
    reply[REPLY_LIST_NAMED_SET_LAST] = entries[#entries]
    reply[REPLY_LIST_NAMED_SET_LAST_MEMBER] = entries[#entries - 1]
  end
  for i = 1, #entries, 2 do
    if redis.call('HGET', base .. K_TASK .. entries[i], R_NAME) == name then
      reply[#reply + 1] = entries[i]
      reply[#reply + 1] = entries[i + 1]
    end
  end
end

if state == S_WAITING and ARGV[ARG_READ_LIST] == '1' then
  -- The wait list's tasks (their wait score is in their records or compact records) are waiting too.
  -- It is read on from the last id seen: the list only loses entries from its front (fetches) and here and
  -- there (cancels), so that id's place now says where to go on; gone, the list is read again from its front,
  -- and the caller drops what it has seen.
  local listKey = base .. K_WAIT_LIST
  local from = 0
  if ARGV[ARG_LIST_AFTER] ~= '' then
    local at = redis.call('LPOS', listKey, ARGV[ARG_LIST_AFTER])
    if at then from = at + 1 end
  end
  local listed = redis.call('LRANGE', listKey, from, from + count - 1)
  if #listed > 0 then
    reply[REPLY_LIST_NAMED_LIST_MORE] = #listed == count and 1 or 0
    reply[REPLY_LIST_NAMED_LIST_LAST] = listed[#listed]
  end
  local texts = compactTexts(base, listed)
  for i, id in ipairs(listed) do
    local c = texts[i] and parseCompact(texts[i])
    local score
    if c then
      score = c[CR_NAME] == name and compactWaitScore(c)
    else
      local r = redis.call('HMGET', base .. K_TASK .. id, R_NAME, R_WAIT_SCORE)
      score = r[1] == name and tonumber(r[2])
    end
    if score then
      reply[#reply + 1] = id
      reply[#reply + 1] = int(score)
    end
  end
end

if state == S_WAITING and ARGV[ARG_PARKED] == '1' then
  -- Tasks of that name parked at its handler's fleet-wide limit: all of that name, no record to read.
  local parked = redis.call('ZRANGE', base .. K_HANDLER_PARKED .. name, 0, count * 10 - 1, 'WITHSCORES')
  for i = 1, #parked, 2 do
    reply[#reply + 1] = parked[i]
    reply[#reply + 1] = parked[i + 1]
  end
end
return reply
