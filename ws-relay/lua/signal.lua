-- call.signal on the feed: sender and target must be participants. ARGV: uid, call, target, event
local set = 'call:' .. ARGV[2] .. ':participants'
if redis.call('SISMEMBER', set, ARGV[1]) == 0 then return -1 end
if ARGV[3] ~= '' then
  if ARGV[3] == ARGV[1] or redis.call('SISMEMBER', set, ARGV[3]) == 0 then return -2 end
  redis.call('PUBLISH', 'user:' .. ARGV[3], ARGV[4])
  return 1
end
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', set)) do
  if m ~= ARGV[1] then redis.call('PUBLISH', 'user:' .. m, ARGV[4]); n = n + 1 end
end
return n
