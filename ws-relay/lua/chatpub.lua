-- a legacy chat frame: members only, to every chat socket of the conversation. ARGV: uid, conv, frame
if redis.call('SISMEMBER', 'conv:' .. ARGV[2] .. ':members', ARGV[1]) == 0 then return -1 end
return redis.call('PUBLISH', 'chat:' .. ARGV[2], ARGV[3])
