-- Compact records (QUEUE_KEY_SUFFIXES.compactRecords and COMPACT_RECORD in
-- protocol.ts). A plain task enqueued with priority 0 straight to waiting is
-- its id in the wait list and one field of the queue's compact-record hash:
-- about 60 bytes less than a record key (271 against 335 bytes per waiting
-- task in the benchmark), and one field for the enqueue to write instead of
-- nine. When it first leaves plain waiting (a fetch starts, parks or hands it
-- over; a dependent or a waitFor needs its record)
-- recordFromCompact writes its record key, and every script after that sees
-- a task like any other. A wait-list id has one or the other, never both.
--@include record-payload

-- The fields of a compact record (CR_*), or nil when the text is not one.
local function parseCompact(text)
  local c = { string.match(text, CR_PATTERN) }
  if c[1] == nil then return nil end
  return c
end

-- The wait score of a parsed compact record's task (priority 0, its sequence number).
local function compactWaitScore(c)
  return waitScore(0, c[CR_SEQ] + 0)
end

-- The wait score of a wait-list entry: from its compact record's sequence
-- number, or in its record key; nil when it has neither (its record was
-- removed or damaged under it: fetch drops it, list-waiting.lua places it
-- behind the entry before it).
local function listEntryScore(base, id)
  local text = redis.call('HGET', base .. K_COMPACT_RECORDS, id)
  local c = text and parseCompact(text)
  if c then return compactWaitScore(c) end
  return tonumber(redis.call('HGET', base .. K_TASK .. id, R_WAIT_SCORE))
end

-- The extras of a parsed compact record (CX_*), or nil when it has none (most tasks).
local function compactExtras(c)
  if c[CR_EXTRAS] == '' then return nil end
  local x = { string.match(c[CR_EXTRAS], CX_PATTERN) }
  if x[1] == nil then return nil end
  return x
end

-- The compact records of `ids` (false where an id has none), in step with
-- them: one HMGET per thousand ids (unpack holds a few thousand values at most).
local function compactTexts(base, ids)
  local texts = {}
  for k = 1, #ids, 1000 do
    local got = redis.call('HMGET', base .. K_COMPACT_RECORDS, unpack(ids, k, math.min(k + 999, #ids)))
    for j = 1, #got do texts[k + j - 1] = got[j] end
  end
  return texts
end

-- The record key's HSET arguments for the parsed compact record `c` in state
-- `state`, with the attempt's fields when it starts one (`attempt`, `startedAt`,
-- `token`, and `ahead` when it is leased ahead of a free slot; nil otherwise). Returns the arguments, how many there are (the
-- table holds spare slots), and the payload when it needs a key of its own.
-- One table constructor, with room for a backoff and two payload parts:
-- growing a table a field at a time rehashes it each time its size doubles.
-- (Two constructors rather than one with the attempt's fields set after it,
-- and the wait score inline rather than through compactWaitScore: the other
-- way cost a fetch about 1,500 instructions more per task, npm run bench:scripts.)
local function recordFromCompact(c, state, attempt, startedAt, token, ahead)
  local ws = int(waitScore(0, c[CR_SEQ] + 0))
  local rec, n
  if attempt then
    rec = { R_NAME, c[CR_NAME], R_STATE, state, R_WAIT_SCORE, ws, R_MAX_ATTEMPTS, c[CR_MAX_ATTEMPTS], R_ENQUEUED_AT, c[CR_ENQUEUED_AT],
      R_PLAIN, '1', R_ATTEMPTS, attempt, R_STARTED_AT, startedAt, R_LEASE_TOKEN, token, false, false, false, false, false, false, false, false }
    n = 18
    if ahead then
      rec[19], rec[20] = R_LEASED_AHEAD, startedAt
      n = 20
    end
  else
    rec = { R_NAME, c[CR_NAME], R_STATE, state, R_WAIT_SCORE, ws, R_MAX_ATTEMPTS, c[CR_MAX_ATTEMPTS], R_ENQUEUED_AT, c[CR_ENQUEUED_AT],
      R_PLAIN, '1', false, false, false, false, false, false }
    n = 12
  end
  if c[CR_BACKOFF] ~= '' then
    rec[n + 1], rec[n + 2] = R_BACKOFF, c[CR_BACKOFF]
    n = n + 2
  end
  local x = compactExtras(c)
  if x then
    local fields = { [CX_TIMEOUT_MS] = R_TIMEOUT, [CX_REMOVE_ON_COMPLETE] = R_REMOVE_ON_COMPLETE, [CX_REMOVE_ON_DEAD] = R_REMOVE_ON_DEAD,
      [CX_TRACE_CONTEXT] = R_TRACE_CONTEXT, [CX_TRACE_LINK] = R_TRACE_LINK }
    for k = 1, #fields do
      if x[k] ~= '' then
        rec[n + 1], rec[n + 2] = fields[k], x[k]
        n = n + 2
      end
    end
  end
  local ownPayload
  n, ownPayload = putPayload(rec, n, c[CR_PAYLOAD], c[CR_PAYLOAD_TAIL])
  return rec, n, ownPayload
end

-- Writes the record key of a task taken from its compact record `c` (see
-- recordFromCompact for the rest). The caller drops the compact record.
local function writeFromCompact(base, id, c, state, attempt, startedAt, token, ahead)
  local rec, n, ownPayload = recordFromCompact(c, state, attempt, startedAt, token, ahead)
  redis.call('HSET', base .. K_TASK .. id, unpack(rec, 1, n))
  if ownPayload then redis.call('SET', base .. K_PAYLOAD .. id, ownPayload) end
end

-- Writes the record key (state waiting) of a task that has a compact record
-- and drops the compact record; its place in the wait list stays. Returns
-- whether it had one (a compact record that cannot be read is left for the
-- fetch that meets it, which moves it out of the way).
local function expandCompact(base, id)
  local text = redis.call('HGET', base .. K_COMPACT_RECORDS, id)
  local c = text and parseCompact(text)
  if not c then return false end
  writeFromCompact(base, id, c, S_WAITING)
  redis.call('HDEL', base .. K_COMPACT_RECORDS, id)
  return true
end
