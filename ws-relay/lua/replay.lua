-- the feed's catch-up. ARGV: uid, since ('' = just tell me the newest id), max, and
-- check ('1': report a trim past `since` as truncated; '0' for an anchor the relay took itself).
-- Returns {anchor, truncated, event JSON...}: events after `since`, oldest first, rebuilt
-- exactly as lib/sc_events.c publishes them; anchor = the last id returned (or since).
local key = 'events:user:' .. ARGV[1]
local since = ARGV[2]
if since == '' then
  local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  if #last == 0 then return {'0-0', 0} end
  return {last[1][1], 0}
end
local function parse(id)
  local a, b = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(a) or 0, tonumber(b) or 0
end
local function gt(x, y)
  local a1, b1 = parse(x)
  local a2, b2 = parse(y)
  return a1 > a2 or (a1 == a2 and b1 > b2)
end
local out = {since, 0}
local ok, info = false, nil
if ARGV[4] == '1' then ok, info = pcall(redis.call, 'XINFO', 'STREAM', key) end
if ok then
  for i = 1, #info, 2 do
    if info[i] == 'max-deleted-entry-id' and gt(info[i + 1], since) then out[2] = 1 end
  end
end
local max = tonumber(ARGV[3])
local r = redis.call('XRANGE', key, '(' .. since, '+', 'COUNT', max + 1)
local n = #r
if n > max then n = max; out[2] = 1 end
for i = 1, n do
  local id, f = r[i][1], r[i][2]
  local t, ts, d = '', '', 'null'
  for j = 1, #f, 2 do
    if f[j] == 'type' then t = f[j + 1] elseif f[j] == 'ts' then ts = f[j + 1]
    elseif f[j] == 'data' then d = f[j + 1] end
  end
  out[#out + 1] = '{"id":"' .. id .. '","type":"' .. t .. '","ts":"' .. ts .. '","data":' .. d .. '}'
  out[1] = id
end
return out
