-- handshake: consume a ticket or take the bearer's ids, refuse a revoked session,
-- check membership of the conversation or call. ARGV: mode, ticket|sid, kind, object, uid
local uid, sid, exp = ARGV[5], ARGV[2], '0'
if ARGV[1] == 'ticket' then
  local v = redis.call('GETDEL', 'wsticket:' .. ARGV[2])
  if not v then return {'bad_ticket'} end
  uid, sid, exp = string.match(v, '^([%x-]+):([%x-]+):(%d+)$')
  if not uid then return {'bad_ticket'} end
end
if redis.call('EXISTS', 'revoked:sid:' .. sid) == 1 then return {'revoked'} end
local set = nil
if ARGV[3] == 'chat' then set = 'conv:' .. ARGV[4] .. ':members'
elseif ARGV[3] == 'call' then set = 'call:' .. ARGV[4] .. ':participants' end
if set then
  if redis.call('SISMEMBER', set, uid) == 0 then
    if redis.call('EXISTS', set) == 0 then return {'not_found'} end
    return {'not_member'}
  end
end
-- a feed without `since` starts after the newest event there is now, taken before the 101:
-- everything written after this answer reaches the socket (held, then replayed or live)
local anchor = ''
if ARGV[3] == 'feed' then
  local last = redis.call('XREVRANGE', 'events:user:' .. uid, '+', '-', 'COUNT', 1)
  anchor = last[1] and last[1][1] or '0-0'
end
return {'ok', uid, sid, exp, anchor}
