/* sc_lockout.c - failed-login counter with expiry. */
#include "sc_lockout.h"
#include "sc_config.h"

#include <stdio.h>
#include <string.h>

/* KEYS[1] counter; ARGV[1] max failures. Returns the TTL of a lock or 0. */
static sc_redis_script check = { .text =
    "local n = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
    "if n >= tonumber(ARGV[1]) then\n"
    "  local ttl = redis.call('TTL', KEYS[1])\n"
    "  if ttl < 1 then ttl = 1 end\n"
    "  return ttl\n"
    "end\n"
    "return 0\n" };

/* KEYS[1] counter; ARGV[1] max failures, ARGV[2] window/lock seconds. */
static sc_redis_script fail = { .text =
    "local n = redis.call('INCR', KEYS[1])\n"
    "if n == 1 or n >= tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end\n"
    "return n\n" };

static void key_for(const char *email, char *key, size_t n)
{
	snprintf(key, n, "lock:login:%s", email);
}

static int run(sc_redis *r, sc_redis_script *s, const char *email, long long *out,
    int *unavailable)
{
	char key[300], max[24], win[24];
	const char *keys[1] = { key }, *args[2] = { max, win };
	redisReply *rep;
	const char *err;

	key_for(email, key, sizeof(key));
	snprintf(max, sizeof(max), "%lld", sc_config_int(SC_CFG_LOGIN_MAX_FAILURES));
	snprintf(win, sizeof(win), "%lld", sc_config_int(SC_CFG_LOGIN_LOCK_SECONDS));
	if (sc_redis_eval(r, s, 1, keys, 2, args, &rep, unavailable, &err) < 0)
		return -1;
	if (out)
		*out = rep->type == REDIS_REPLY_INTEGER ? rep->integer : 0;
	freeReplyObject(rep);
	return 0;
}

int sc_lockout_check(sc_redis *r, const char *email, long long *locked_for_s, int *unavailable)
{
	return run(r, &check, email, locked_for_s, unavailable);
}

int sc_lockout_fail(sc_redis *r, const char *email, int *unavailable)
{
	return run(r, &fail, email, NULL, unavailable);
}

int sc_lockout_clear(sc_redis *r, const char *email, int *unavailable)
{
	char key[300];
	const char *argv[2] = { "DEL", key };
	size_t lens[2];
	redisReply *rep;
	const char *err;

	key_for(email, key, sizeof(key));
	lens[0] = 3;
	lens[1] = strlen(key);
	if (sc_redis_cmd(r, 2, argv, lens, &rep, unavailable, &err) < 0)
		return -1;
	freeReplyObject(rep);
	return 0;
}
