/* sc_ratelimit.c - GCRA and revocation check, one Redis round trip; revocation mark and notice. */
#include "sc_ratelimit.h"
#include "sc_log.h"

#include <stdio.h>
#include <string.h>

/* KEYS[1] revocation key ("" = none), KEYS[2] limit key;
 * ARGV[1] emission interval in microseconds, ARGV[2] burst.
 * Returns {status, remaining, reset_us, retry_us}. Redis's TIME is the clock. */
static sc_redis_script gcra = { .text =
    "if KEYS[1] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then return {-1, 0, 0, 0} end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
    "local em = tonumber(ARGV[1])\n"
    "local cap = em * tonumber(ARGV[2])\n"
    "local tat = tonumber(redis.call('GET', KEYS[2]) or now)\n"
    "if tat < now then tat = now end\n"
    "local new = tat + em\n"
    "if new - now > cap then return {0, 0, tat - now, new - now - cap} end\n"
    /* %.0f: Lua 5.1 would write the number with %.14g and lose microseconds */
    "redis.call('SET', KEYS[2], string.format('%.0f', new), 'PX', math.ceil((new - now) / 1000))\n"
    "return {1, math.floor((cap - (new - now)) / em), new - now, 0}\n" };

static long long ceil_s(long long us)
{
	return us <= 0 ? 0 : (us + 999999) / 1000000;
}

int sc_ratelimit_check(sc_redis *r, const char *class_, const char *subject,
    long long per_minute, long long burst, const char *revoked_session,
    sc_rl_result *res, int *unavailable)
{
	return sc_ratelimit_check_us(r, class_, subject,
	    60000000LL / (per_minute > 0 ? per_minute : 1), burst, revoked_session, res,
	    unavailable);
}

int sc_ratelimit_check_us(sc_redis *r, const char *class_, const char *subject,
    long long interval_us, long long burst, const char *revoked_session,
    sc_rl_result *res, int *unavailable)
{
	char rkey[80] = "", lkey[160], em[32], b[32];
	const char *keys[2] = { rkey, lkey }, *args[2] = { em, b };
	redisReply *rep = NULL;
	const char *err;

	memset(res, 0, sizeof(*res));
	if (revoked_session != NULL)
		snprintf(rkey, sizeof(rkey), "revoked:sid:%s", revoked_session);
	snprintf(lkey, sizeof(lkey), "rl:%s:%s", class_, subject);
	snprintf(em, sizeof(em), "%lld", interval_us > 0 ? interval_us : 1);
	snprintf(b, sizeof(b), "%lld", burst);
	if (sc_redis_eval(r, &gcra, 2, keys, 2, args, &rep, unavailable, &err) < 0) {
		if (!*unavailable)
			sc_log(SC_LOG_ERROR, "rate limit script failed", NULL);
		return -1;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 4) {
		freeReplyObject(rep);
		return -1;
	}
	res->status = (sc_rl_status)rep->element[0]->integer;
	res->limit = burst;
	res->remaining = rep->element[1]->integer;
	res->reset_s = ceil_s(rep->element[2]->integer);
	res->retry_after_s = ceil_s(rep->element[3]->integer);
	if (res->status == SC_RL_LIMITED && res->retry_after_s < 1)
		res->retry_after_s = 1;
	freeReplyObject(rep);
	return 0;
}

/* KEYS[1] revoked:sid:{sid}; ARGV[1] TTL, ARGV[2] the channel, ARGV[3] the
 * session id. The mark and the notice in one round trip: a relay that hears
 * the notice finds the mark, and a retried call only repeats both. */
static sc_redis_script revoke = { .text =
    "redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])\n"
    "return redis.call('PUBLISH', ARGV[2], ARGV[3])\n" };

int sc_ratelimit_revoke(sc_redis *r, const char *session_id, long long ttl_s)
{
	char key[80], ttl[24];
	const char *keys[1] = { key }, *args[3] = { ttl, SC_REVOKED_CHANNEL, session_id };
	redisReply *rep;
	const char *err;
	int unavailable = 0, n;

	n = snprintf(key, sizeof(key), "revoked:sid:%s", session_id);
	if (n < 0 || (size_t)n >= sizeof(key))
		return -1;
	snprintf(ttl, sizeof(ttl), "%lld", ttl_s > 0 ? ttl_s : 1);
	if (sc_redis_eval(r, &revoke, 1, keys, 3, args, &rep, &unavailable, &err) < 0)
		return -1;
	freeReplyObject(rep);
	return 0;
}
