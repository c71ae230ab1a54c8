-- throughput: reads the per-minute attempt counters (see includes/attempt-record.lua) of the last
-- `minutes` minutes, the current one included, by Redis time.
-- KEYS: the queue keys of protocol.ts (unused but for the hash tag); it reads the throughput hashes built from the base.
-- ARGV: SCRIPTS.throughput of protocol.ts: the key base, the events setting, the number of minutes.
-- Returns the start of the oldest minute (epoch ms), then completed and failed counts per minute, oldest first.
-- A script rather than a pipeline so that the minutes are those of Redis' clock, read in the same call.
--@include time

local base = ARGV[ARG_BASE]
local minutes = tonumber(ARGV[ARG_MINUTES])
local now = nowMs()
local first = now - (now % 60000) - (minutes - 1) * 60000
local reply = { int(first) }
for m = 0, minutes - 1 do
  local counts = redis.call('HMGET', base .. K_THROUGHPUT .. int(first + m * 60000), TP_COMPLETED, TP_FAILED)
  reply[#reply + 1] = tonumber(counts[1]) or 0
  reply[#reply + 1] = tonumber(counts[2]) or 0
end
return reply
