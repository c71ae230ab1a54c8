-- Parking tasks for a handler, shared by fetch: a task waits parked (by its
-- wait score, in the handler's parked set) while its handler runs at its
-- fleet-wide limit, or while this worker lacks the handler and a live worker
-- of the queue advertises it (a rolling deploy, see advertise.lua). Parked
-- tasks count as waiting; they go back to the wait set when they can start.

-- Until when a live worker of the queue advertises a handler for `name`
-- (see advertise.lua), or nil when none does now.
local function carriedUntil(keys, now, name)
  local expiry = tonumber(redis.call('ZSCORE', keys[KEY_HANDLER_NAMES], name))
  if expiry and expiry > now then return expiry end
  return nil
end

-- Parked tasks go back to waiting, in their old place, when this worker can
-- start them: those of a handler it runs without a fleet-wide limit, or with
-- room under its limit (a limit removed or raised since they were parked), at
-- most as many as this fetch takes (`n`: none while the queue is paused or out
-- of rate allowance, when putting them back would only move them to and fro).
-- More would sit in the wait set for a
-- worker that lacks the handler to park again: with a backlog of the name
-- during a rolling deploy, the two versions' fetches would move the whole
-- backlog back and forth, each time, and load the server for every app on it.
-- When more stay parked than this fetch took, and no fleet-wide limit held
-- it back, the handler's other carriers are woken (one, who passes it on as
-- this one did): the backlog spreads over the new version's replicas at once
-- rather than at their idle checks.
-- Those parked for a handler this worker lacks go back only when no live
-- worker carries it any more: they then end dead here ('no handler').
-- Returns the earliest moment such an advertisement runs out (nil: none), so
-- the worker looks again then rather than at its idle check.
local function unparkRunnable(base, keys, now, f, n)
  -- Most queues never park: EXISTS costs less than SMEMBERS and its loop on the empty set.
  local parkedNames = base .. K_PARKED_NAMES
  if redis.call('EXISTS', parkedNames) == 0 then return nil end
  local earliest = nil
  for _, name in ipairs(redis.call('SMEMBERS', parkedNames)) do
    local parkedKey = base .. K_HANDLER_PARKED .. name
    local room = 0
    if not f.names or f.names[name] then
      local limit = f.limits and f.limits[name]
      room = n
      if limit then room = math.min(room, math.max(0, limit - (tonumber(redis.call('GET', base .. K_HANDLER_RUNNING .. name)) or 0))) end
    else
      local expiry = carriedUntil(keys, now, name)
      if not expiry then
        room = -1
      elseif not earliest or expiry < earliest then
        earliest = expiry
      end
    end
    if room ~= 0 then
      local moved = redis.call('ZPOPMIN', parkedKey, room < 0 and redis.call('ZCARD', parkedKey) or room)
      for i = 1, #moved, 2 do redis.call('ZADD', keys[KEY_WAIT], moved[i + 1], moved[i]) end
      if redis.call('ZCARD', parkedKey) == 0 then
        redis.call('SREM', parkedNames, name)
      elseif room > 0 and room == n then
        wake(base .. K_HANDLER_MARK .. name)
      end
    end
  end
  return earliest
end

-- Parks a task for its handler: until a run of it ends (its fleet-wide limit),
-- or until a worker that carries it fetches (a rolling deploy: this worker lacks it).
local function park(base, id, ws, name)
  redis.call('ZADD', base .. K_HANDLER_PARKED .. name, ws, id)
  redis.call('SADD', base .. K_PARKED_NAMES, name)
end
