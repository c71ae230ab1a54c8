-- heartbeat: writes one worker's heartbeat record and its place in the
-- prefix-wide directory of live workers, both expiring with the heartbeat.
-- KEYS: SCRIPTS.heartbeat of protocol.ts: the worker's record `{prefix:}:w:<id>`, the directory `{prefix:}:workers`.
-- ARGV: SCRIPTS.heartbeat of protocol.ts: the instance id, the WorkerInfo JSON (without lastSeenAt), the ttl ms.
-- Returns the store time it was written at (epoch ms).
-- Atomic so that a reader never sees a directory entry whose record is older
-- than it; entries of workers that stopped beating are dropped here too.
--@include time

local now = nowMs()
local ttl = tonumber(ARGV[ARG_TTL_MS])
local info = cjson.decode(ARGV[ARG_INFO])
info.lastSeenAt = now
redis.call('SET', KEYS[KEY_RECORD], cjson.encode(info), 'PX', ttl)
redis.call('ZADD', KEYS[KEY_DIRECTORY], int(now + ttl), ARGV[ARG_INSTANCE_ID])
redis.call('ZREMRANGEBYSCORE', KEYS[KEY_DIRECTORY], '-inf', int(now))
return now
