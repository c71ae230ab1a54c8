-- listNamed: a page of the tasks of one name in one state, for list(..., { name }).
-- KEYS: the queue keys of protocol.ts; it reads the state's sorted set (waiting: also the wait list and
--   the name's parked set) and the records built from the base.
-- ARGV: SCRIPTS.listNamed of protocol.ts: the key base, the events setting, the state letter (S_*),
--   the name, the offset and limit among the matches, and the most entries of the set to look at.
-- Returns the matching ids, in the set's order.
-- Bounded: it looks at the first `scan` entries of the set only (one HGET each; the wait list's compact
-- records one HMGET per thousand), so its cost does not
-- grow with the queue; a script so that those reads are one round trip rather than `scan` replies.

--@include time
--@include common
--@include compact

local base, state, name = ARGV[ARG_BASE], ARGV[ARG_STATE], ARGV[ARG_NAME]
local offset, limit, scan = tonumber(ARGV[ARG_OFFSET]), tonumber(ARGV[ARG_LIMIT]), tonumber(ARGV[ARG_SCAN])
local sets = { [S_WAITING] = KEY_WAIT, [S_DELAYED] = KEY_DELAYED, [S_BLOCKED] = KEY_BLOCKED, [S_COMPLETED] = KEY_COMPLETED, [S_DEAD] = KEY_DEAD }
local setKey = KEYS[sets[state]]
local entries = redis.call('ZRANGE', setKey, 0, scan - 1, 'WITHSCORES')
local matches = {}
for i = 1, #entries, 2 do
  if redis.call('HGET', base .. K_TASK .. entries[i], R_NAME) == name then
    matches[#matches + 1] = { entries[i], tonumber(entries[i + 1]) }
  end
end
if state == S_WAITING then
  -- The wait list's tasks (their wait score is in their records), and those of
  -- that name parked at its handler's fleet-wide limit, are waiting too: all in wait-score order.
  local before = #matches
  local listed = redis.call('LRANGE', base .. K_WAIT_LIST, 0, scan - 1)
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
    if score then matches[#matches + 1] = { id, score } end
  end
  local parked = redis.call('ZRANGE', base .. K_HANDLER_PARKED .. name, 0, scan - 1, 'WITHSCORES')
  for i = 1, #parked, 2 do matches[#matches + 1] = { parked[i], tonumber(parked[i + 1]) } end
  if #matches > before then
    table.sort(matches, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  end
end
local page = {}
for i = offset + 1, math.min(#matches, offset + limit) do page[#page + 1] = matches[i][1] end
return page
