-- list-workers: the heartbeat records of every live worker of the prefix.
-- KEYS: SCRIPTS.listWorkers of protocol.ts: the directory of live workers `{prefix:}:workers`; under the
--   same hash tag it reads each worker's record `{prefix:}:w:<id>`.
-- ARGV: SCRIPTS.listWorkers of protocol.ts: the start of the record keys (`{prefix:}:w:`).
-- Returns the records' JSON texts.
-- A script so that liveness is judged by the store's clock, and the directory
-- and the records are read in one consistent step.
--@include time

local now = nowMs()
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[KEY_DIRECTORY], '(' .. int(now), '+inf')) do
  local record = redis.call('GET', ARGV[ARG_RECORD_BASE] .. id)
  if record then out[#out + 1] = record end
end
return out
