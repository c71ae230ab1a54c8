-- Puts a leased task back to waiting, in its old place, without counting the
-- attempt: used at shutdown and for leases whose fetch reply never arrived.
local function handBack(base, keys, id, f)
  local taskKey = base .. 't:' .. id
  endLease(base, keys, taskKey, id, f.name, f.counted)
  redis.call('HDEL', taskKey, 'st')
  redis.call('HINCRBY', taskKey, 'a', -1)
  redis.call('HSET', taskKey, 's', 'w')
  redis.call('ZADD', keys.wait, f.ws, id)
end
