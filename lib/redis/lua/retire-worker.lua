-- retire-worker: removes a stopping worker's heartbeat record and directory entry.
-- KEYS: SCRIPTS.retireWorker of protocol.ts: the worker's record, the directory of live workers.
-- ARGV: SCRIPTS.retireWorker of protocol.ts: the instance id.
-- Returns 1 when a record was removed. The handler names it advertised expire
-- on their own: other live workers may carry the same names.
-- Atomic so that the record and its directory entry go together.

redis.call('ZREM', KEYS[KEY_DIRECTORY], ARGV[ARG_INSTANCE_ID])
return redis.call('DEL', KEYS[KEY_RECORD])
