/* sc_redis.h - the process's Redis connection (hiredis, synchronous).
 *
 * Connected lazily, with connect and command timeouts (REDIS_TIMEOUT_MS),
 * AUTH and SELECT from the config. A command that fails on I/O drops the
 * connection, reconnects once and is sent again: every command libsc sends is
 * safe to repeat (rate-limit scripts count an attempt at most twice). */
#ifndef SC_REDIS_H
#define SC_REDIS_H

#include <hiredis/hiredis.h>

typedef struct sc_redis sc_redis;

sc_redis *sc_redis_new(void);            /* reads the loaded config; no I/O */
void      sc_redis_free(sc_redis *r);    /* NULL ok */
void      sc_redis_close(sc_redis *r);

/* Send argv; on success *reply is owned by the caller (freeReplyObject) and
 * is never a REDIS_REPLY_ERROR (that is returned as -1 with errstr set).
 * Returns 0 or -1; *unavailable is 1 when Redis could not be reached. */
int sc_redis_cmd(sc_redis *r, int argc, const char **argv, const size_t *argvlen,
    redisReply **reply, int *unavailable, const char **errstr);

/* A Lua script, sent by its SHA-1 (EVALSHA) and by its text (EVAL) only when
 * Redis does not know it yet: one round trip in the common case. script must
 * be a constant with static storage; its SHA-1 is cached in *sha (41 bytes,
 * zero-initialised by the caller). At most 8 keys + args. Same return
 * convention as sc_redis_cmd. */
typedef struct sc_redis_script {
	const char *text;
	char        sha[41];
} sc_redis_script;

int sc_redis_eval(sc_redis *r, sc_redis_script *s, int nkeys, const char **keys,
    int nargs, const char **args, redisReply **reply, int *unavailable, const char **errstr);

/* PING: 0 when Redis answers. */
int sc_redis_ping(sc_redis *r);

#endif
