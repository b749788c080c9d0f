-- presence from the relay. ARGV: uid, op ('on' | 'off' | 'beat'), ttl, stream maxlen, ts.
-- presence:conns:{uid} counts the workers (of every relay) holding feeds of the user; the
-- first one in and the last one out change presence:{uid} and tell the peers the FastCGI side
-- listed in presence:peers:{uid} ('-' marks an empty list), as lib/sc_events.c would.
local u, op, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local ck, pk = 'presence:conns:' .. u, 'presence:' .. u
if op == 'beat' then
  redis.call('SET', pk, 'online', 'EX', ttl)
  redis.call('EXPIRE', ck, ttl)
  return 0
end
local changed
if op == 'on' then
  redis.call('INCR', ck)
  redis.call('EXPIRE', ck, ttl)
  changed = redis.call('EXISTS', pk) == 0
  redis.call('SET', pk, 'online', 'EX', ttl)
else
  if redis.call('DECR', ck) > 0 then return 0 end
  redis.call('DEL', ck)
  changed = redis.call('DEL', pk) == 1
end
if not changed then return 0 end
local data = '{"user_id":"' .. u .. '","online":' .. (op == 'on' and 'true' or 'false') ..
  ',"last_seen":"' .. ARGV[5] .. '"}'
local n = 0
for _, p in ipairs(redis.call('SMEMBERS', 'presence:peers:' .. u)) do
  if p ~= '-' and p ~= u then
    local id = redis.call('XADD', 'events:user:' .. p, 'MAXLEN', '~', ARGV[4], '*',
      'type', 'presence', 'ts', ARGV[5], 'data', data)
    redis.call('PUBLISH', 'user:' .. p, '{"id":"' .. id .. '","type":"presence","ts":"' ..
      ARGV[5] .. '","data":' .. data .. '}')
    n = n + 1
  end
end
return n
