-- listNamed: one chunk of list(..., { name }): the tasks of one name among `count` entries, from
-- `start`, of one state's set (waiting: also of the wait list, and, in the first chunk, the name's parked set).
-- KEYS: the queue keys of protocol.ts; it reads the state's sorted set (waiting: also the wait list and
--   the name's parked set) and the records built from the base.
-- ARGV: SCRIPTS.listNamed of protocol.ts: the key base, the events setting, the state letter (S_*),
--   the name, the first entry to look at and how many.
-- Returns the listNamed reply: whether the chunk was full, then each match's id and score, in the set's
--   order (waiting: the set's matches, then the list's; the caller orders them by score).
-- Bounded: one HGET per entry of the chunk (the wait list's compact records one HMGET per thousand); the
-- caller reads a state's first NAME_SCAN_WINDOW entries a chunk at a time, so no one call holds Redis for
-- long. A script so that a chunk's reads are one round trip rather than one reply per entry.

--@include time
--@include common
--@include compact

local base, state, name = ARGV[ARG_BASE], ARGV[ARG_STATE], ARGV[ARG_NAME]
local first, count = tonumber(ARGV[ARG_START]), tonumber(ARGV[ARG_COUNT])
local last = first + count - 1
local sets = { [S_WAITING] = KEY_WAIT, [S_DELAYED] = KEY_DELAYED, [S_BLOCKED] = KEY_BLOCKED, [S_COMPLETED] = KEY_COMPLETED, [S_DEAD] = KEY_DEAD }
local setKey = KEYS[sets[state]]
local entries = redis.call('ZRANGE', setKey, first, last, 'WITHSCORES')
local more = #entries == 2 * count
local reply = { 0 }
for i = 1, #entries, 2 do
  if redis.call('HGET', base .. K_TASK .. entries[i], R_NAME) == name then
    reply[#reply + 1] = entries[i]
    reply[#reply + 1] = entries[i + 1]
  end
end
if state == S_WAITING then
  -- The wait list's tasks (their wait score is in their records), and those of
  -- that name parked at its handler's fleet-wide limit, are waiting too.
  local listed = redis.call('LRANGE', base .. K_WAIT_LIST, first, last)
  more = more or #listed == count
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
  local parked = redis.call('ZRANGE', base .. K_HANDLER_PARKED .. name, first, last, 'WITHSCORES')
  more = more or #parked == 2 * count
  for i = 1, #parked, 2 do
    reply[#reply + 1] = parked[i]
    reply[#reply + 1] = parked[i + 1]
  end
end
reply[REPLY_LIST_NAMED_MORE] = more and 1 or 0
return reply
