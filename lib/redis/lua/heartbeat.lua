-- heartbeat: writes one worker's heartbeat record, its place in the
-- prefix-wide directory of live workers (both expiring with the heartbeat),
-- and the queues it serves in the prefix's registry of queue names.
-- KEYS: SCRIPTS.heartbeat of protocol.ts: the worker's record `{prefix:}:w:<id>`, the directory `{prefix:}:workers`,
--   the registry of queue names `{prefix:}:queues` (all in the `{prefix:}` slot).
-- ARGV: SCRIPTS.heartbeat of protocol.ts: the instance id, the WorkerInfo JSON (without lastSeenAt), the ttl ms,
--   the served queue names (LIST_SEPARATOR-joined; '' for none).
-- Returns the store time it was written at (epoch ms).
-- Atomic so that a reader never sees a directory entry whose record is older
-- than it; entries of workers that stopped beating are dropped here too.
-- The drop comes first: a full Redis (maxmemory, noeviction) refuses a
-- script whose first write may grow memory, and lets the rest of a script
-- through once it has written. A beat rewrites what the last one wrote, so
-- taking it while full costs nothing, and refusing it would flap the
-- worker's advertised state (and its warnings) for as long as Redis stays full.
--@include time

local now = nowMs()
redis.call('ZREMRANGEBYSCORE', KEYS[KEY_DIRECTORY], '-inf', int(now))
local ttl = tonumber(ARGV[ARG_TTL_MS])
local info = cjson.decode(ARGV[ARG_INFO])
info.lastSeenAt = now
redis.call('SET', KEYS[KEY_RECORD], cjson.encode(info), 'PX', ttl)
redis.call('ZADD', KEYS[KEY_DIRECTORY], int(now + ttl), ARGV[ARG_INSTANCE_ID])
for queue in string.gmatch(ARGV[ARG_QUEUES], '[^' .. LIST_SEPARATOR .. ']+') do
  redis.call('SADD', KEYS[KEY_QUEUE_REGISTRY], queue)
end
return now
