-- typing on the feed: only a member may, and it reaches the other members. ARGV: uid, conv, event
local set = 'conv:' .. ARGV[2] .. ':members'
if redis.call('SISMEMBER', set, ARGV[1]) == 0 then return -1 end
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', set)) do
  if m ~= ARGV[1] then redis.call('PUBLISH', 'user:' .. m, ARGV[3]); n = n + 1 end
end
return n
