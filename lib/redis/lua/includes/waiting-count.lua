-- Tasks waiting in a queue: those in the wait list and the wait set, and those
-- parked while their handler is at its fleet-wide limit (a name whose parked
-- set emptied is dropped from the parked names on the way).
local function waitingCount(base, waitKey)
  local waiting = redis.call('ZCARD', waitKey) + redis.call('LLEN', base .. K_WAIT_LIST)
  for _, name in ipairs(redis.call('SMEMBERS', base .. K_PARKED_NAMES)) do
    local parked = redis.call('ZCARD', base .. K_HANDLER_PARKED .. name)
    if parked == 0 then redis.call('SREM', base .. K_PARKED_NAMES, name) end
    waiting = waiting + parked
  end
  return waiting
end
