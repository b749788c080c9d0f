/* t_redis.h - raw Redis commands for tests that look behind libsc's back
 * (tests/unit only; the server is the one tests/unit/run.sh starts). */
#ifndef T_REDIS_H
#define T_REDIS_H

#include "t_services.h"

#include "sc_redis.h"
#include "sc_uuid.h"

/* Run a command of C strings; the test fails unless Redis answers without
 * an error. The reply is the caller's (freeReplyObject). */
static inline redisReply *t_redis(sc_redis *r, int argc, ...)
{
	const char *argv[8], *err = NULL;
	size_t lens[8];
	redisReply *rep = NULL;
	int unavail = 0, i;
	va_list ap;
	assert_true(argc <= 8);
	va_start(ap, argc);
	for (i = 0; i < argc; i++) {
		argv[i] = va_arg(ap, const char *);
		lens[i] = strlen(argv[i]);
	}
	va_end(ap);
	if (sc_redis_cmd(r, argc, argv, lens, &rep, &unavail, &err) != 0)
		fail_msg("redis %s: %s (unavailable %d)", argv[0], err ? err : "?", unavail);
	return rep;
}

/* Same, for an integer reply. */
static inline long long t_redis_int(sc_redis *r, int argc, ...)
{
	const char *argv[8], *err = NULL;
	size_t lens[8];
	redisReply *rep = NULL;
	int unavail = 0, i;
	long long v;
	va_list ap;
	assert_true(argc <= 8);
	va_start(ap, argc);
	for (i = 0; i < argc; i++) {
		argv[i] = va_arg(ap, const char *);
		lens[i] = strlen(argv[i]);
	}
	va_end(ap);
	if (sc_redis_cmd(r, argc, argv, lens, &rep, &unavail, &err) != 0)
		fail_msg("redis %s: %s (unavailable %d)", argv[0], err ? err : "?", unavail);
	assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
	v = rep->integer;
	freeReplyObject(rep);
	return v;
}

/* A subject no other test (or earlier run against the same server) uses. */
static inline void t_unique(char *out, size_t n, const char *prefix)
{
	char u[SC_UUID_STRLEN + 1];
	sc_uuid_v4(u);
	snprintf(out, n, "%s%s", prefix, u);
}

#endif
