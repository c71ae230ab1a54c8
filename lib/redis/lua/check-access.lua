-- check-access: which of the commands the library's scripts call the calling
-- Redis user may not run on this app's keys, asked once at bootstrap.
-- KEYS: none; it touches no key (the probe commands are checked, never run).
-- ARGV: SCRIPTS.checkAccess of protocol.ts: the probes, one per line, each a
--   command and its arguments separated by tabs, its keys under the app's prefix.
-- Returns the line numbers (1-based) of the probes the user may not run, in
--   order, or false on Redis before 7.0, which has no redis.acl_check_cmd.
-- Why it exists: Redis checks a script's commands one at a time as the script
-- reaches them and keeps the writes made before a refused one, so a user
-- missing one command (XADD, say) would have an enqueue stored and reported
-- failed. Asking first turns that into one error at start-up.
-- Atomic only because it is a script: no state is read or written.

if not redis.acl_check_cmd then return false end
local refused = {}
local line = 0
for probe in string.gmatch(ARGV[ARG_PROBES], '[^\n]+') do
  line = line + 1
  local parts = {}
  for part in string.gmatch(probe, '[^\t]+') do parts[#parts + 1] = part end
  -- A command this server does not know raises: it cannot be run either.
  local ok, allowed = pcall(redis.acl_check_cmd, unpack(parts))
  if not ok or not allowed then refused[#refused + 1] = line end
end
return refused
