-- advertise: records that a live worker of the queue carries these handlers,
-- until its heartbeat expires. Fetch reads it to decide whether a task whose
-- handler the fetching worker lacks is handed to another worker or ends dead.
-- KEYS: SCRIPTS.advertise of protocol.ts: the queue's handler-names sorted set (name -> latest expiry).
-- ARGV: SCRIPTS.advertise of protocol.ts: the ttl ms, the names (LIST_SEPARATOR-joined).
-- Returns the number of names advertised.
-- A script for the store's clock: expiries are Redis time, as fetch compares them.
-- Expired names are dropped first, so a full Redis takes the rest (heartbeat.lua says why).
--@include time

local now = nowMs()
redis.call('ZREMRANGEBYSCORE', KEYS[KEY_HANDLER_NAMES], '-inf', int(now))
local expiry = int(now + tonumber(ARGV[ARG_TTL_MS]))
local count = 0
for name in string.gmatch(ARGV[ARG_NAMES], '[^' .. LIST_SEPARATOR .. ']+') do
  -- GT: another live worker carrying the same name may expire later.
  redis.call('ZADD', KEYS[KEY_HANDLER_NAMES], 'GT', expiry, name)
  count = count + 1
end
return count
