-- Where a payload goes in a task's record key, for the scripts that write one
-- (enqueue, and the turning of a compact record into a record key).

-- Writes a payload into record fields rec[n + 1].. (payloadPart1.. and each
-- part, in order, each at most PAYLOAD_PART_BYTES so the record stays a
-- listpack, ended on a UTF-8 character boundary so each part is text on its
-- own) and returns the new end, or nil when it needs more than
-- PAYLOAD_INLINE_PARTS parts: then it goes to its own key.
local payloadPartFields = { R_PAYLOAD_PART1, R_PAYLOAD_PART2, R_PAYLOAD_PART3, R_PAYLOAD_PART4 }
local function putPayloadParts(rec, n, payload)
  local len = #payload
  if len <= PAYLOAD_PART_BYTES then
    rec[n + 1], rec[n + 2] = R_PAYLOAD_PART1, payload
    return n + 2
  end
  if len > PAYLOAD_PART_BYTES * PAYLOAD_INLINE_PARTS then return nil end
  local from = 1
  for k = 1, PAYLOAD_INLINE_PARTS do
    local to = from + PAYLOAD_PART_BYTES - 1
    if to >= len then
      rec[n + 1], rec[n + 2] = payloadPartFields[k], string.sub(payload, from)
      return n + 2
    end
    -- Bytes 0x80-0xBF continue a character: cut before the character instead.
    while to > from do
      local b = string.byte(payload, to + 1)
      if b < 128 or b >= 192 then break end
      to = to - 1
    end
    rec[n + 1], rec[n + 2] = payloadPartFields[k], string.sub(payload, from, to)
    n, from = n + 2, to + 1
  end
  return nil
end

-- Appends a payload as an enqueue row carries it (the payload, and the tail
-- the producer cut off it or '') to a record's HSET arguments from rec[n + 1].
-- Returns the record's new end and nil, or the end before the payload and
-- the whole payload when it needs a payload key of its own.
local function putPayload(rec, n, payload, payloadTail)
  if payloadTail and payloadTail ~= '' then
    if #payload == PAYLOAD_PART_BYTES and #payloadTail <= PAYLOAD_PART_BYTES then
      -- Split by the producer into the two parts putPayloadParts would make (ASCII, so no UTF-8 boundary to find).
      rec[n + 1], rec[n + 2], rec[n + 3], rec[n + 4] = R_PAYLOAD_PART1, payload, R_PAYLOAD_PART2, payloadTail
      return n + 4, nil
    end
    payload = payload .. payloadTail
  end
  local withPayload = putPayloadParts(rec, n, payload)
  if withPayload then return withPayload, nil end
  return n, payload
end
