-- gauges: the counts the metrics gauges report (waiting, delayed, active, dead), read at most once per
-- maxAgeMs across the whole fleet: the first caller after the snapshot expired counts and stores it, the
-- others get the stored one.
-- KEYS: the queue keys of protocol.ts (wait, delayed, active, mark, dead, completed, seq, blocked, paused,
--   rate); under the same hash tag it reads the parked sets and reads and writes the gauges snapshot.
-- ARGV: SCRIPTS.gauges of protocol.ts: the key base, the events setting, the snapshot's lifetime in ms.
-- Returns the gauges reply.
-- Atomic so that the snapshot is one consistent count, and so that two
-- callers cannot both find it expired and both count.
--@include waiting-count

local base = ARGV[ARG_BASE]
local snapshotKey = base .. K_GAUGES
local stored = redis.call('GET', snapshotKey)
if stored then return cjson.decode(stored) end
local reply = {}
reply[REPLY_GAUGES_WAITING] = waitingCount(base, KEYS[KEY_WAIT])
reply[REPLY_GAUGES_DELAYED] = redis.call('ZCARD', KEYS[KEY_DELAYED])
reply[REPLY_GAUGES_ACTIVE] = redis.call('ZCARD', KEYS[KEY_ACTIVE])
reply[REPLY_GAUGES_DEAD] = redis.call('ZCARD', KEYS[KEY_DEAD])
redis.call('SET', snapshotKey, cjson.encode(reply), 'PX', ARGV[ARG_MAX_AGE_MS])
return reply
