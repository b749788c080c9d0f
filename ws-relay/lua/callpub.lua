-- a legacy signaling frame: participants only. ARGV: uid, call, frame
if redis.call('SISMEMBER', 'call:' .. ARGV[2] .. ':participants', ARGV[1]) == 0 then return -1 end
return redis.call('PUBLISH', 'call:' .. ARGV[2], ARGV[3])
