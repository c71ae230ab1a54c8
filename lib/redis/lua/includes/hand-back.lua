-- Puts a leased task back to waiting, in its old place, without counting the
-- attempt: used at shutdown and for leases whose fetch reply never arrived.
local function handBack(base, keys, id, f)
  local taskKey = base .. K_TASK .. id
  endLease(base, keys, taskKey, id, f.name, f.counted)
  redis.call('HDEL', taskKey, R_STARTED_AT)
  redis.call('HINCRBY', taskKey, R_ATTEMPTS, -1)
  redis.call('HSET', taskKey, R_STATE, S_WAITING)
  redis.call('ZADD', keys[KEY_WAIT], f.ws, id)
end
