/* relay_presence.c - online state from the relay (design.md section 5): the
 * first feed of a user in a worker says "on", the last one out "off", and
 * every PRESENCE_TTL_SECONDS / 3 each worker refreshes the keys of its users
 * ("beat"). The script (lua/presence.lua) counts workers across relays and
 * tells the peers the FastCGI side listed. Fire and forget: presence is best
 * effort, a lost beat only shortens the key's life. */
#include "relay.h"
#include "relay_hub.h"

#include <stdio.h>

#include "sc_time.h"

void relay_presence(const char *user_id, const char *op)
{
	char ttl[24], maxlen[24], ts[SC_TIME_RFC3339_LEN];
	const char *args[5];

	snprintf(ttl, sizeof(ttl), "%lld", relay_cfg.presence_ttl);
	snprintf(maxlen, sizeof(maxlen), "%lld", relay_cfg.stream_maxlen);
	args[0] = user_id;
	args[1] = op;
	args[2] = ttl;
	args[3] = maxlen;
	args[4] = sc_time_now_rfc3339(ts);
	relay_redis_eval(RELAY_LUA_PRESENCE, NULL, NULL, 5, args, NULL);
}

void relay_hub_tick(time_t now)
{
	static time_t next_beat;
	if (now < next_beat)
		return;
	next_beat = now + (relay_cfg.presence_ttl / 3 > 0 ? relay_cfg.presence_ttl / 3 : 1);
	relay_sub_each_feed(relay_presence_beat);
}

void relay_presence_beat(relay_sub *s)
{
	/* s->name is "user:<id>" */
	relay_presence(s->name + 5, "beat");
}
