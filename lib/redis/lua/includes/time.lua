-- The store's clock and integer formatting, pasted where a script says --@include time
-- (every script that includes common includes this first).
-- Numbers go to Redis through string.format('%d') because Lua's default number
-- formatting keeps only 14 significant digits and wait scores need 16.

-- Arithmetic converts TIME's two strings itself: two calls of tonumber cost
-- more than the rest of the function.
local function nowMs()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end

local function int(n)
  return string.format('%d', n)
end
