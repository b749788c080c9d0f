/* sc_redis.c - lazy hiredis connection with timeouts and one reconnect. */
#include "sc_redis.h"
#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_log.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct sc_redis {
	redisContext *c;
	char          err[160];
};

sc_redis *sc_redis_new(void)
{
	return sc_xcalloc(1, sizeof(sc_redis));
}

void sc_redis_close(sc_redis *r)
{
	if (r != NULL && r->c != NULL) {
		redisFree(r->c);
		r->c = NULL;
	}
}

void sc_redis_free(sc_redis *r)
{
	if (r == NULL)
		return;
	sc_redis_close(r);
	free(r);
}

static int simple(sc_redis *r, int argc, const char **argv, const size_t *lens)
{
	redisReply *rep = redisCommandArgv(r->c, argc, argv, lens);
	int ok = rep != NULL && rep->type != REDIS_REPLY_ERROR;
	if (!ok)
		snprintf(r->err, sizeof(r->err), "%s: %s", argv[0],
		    rep ? rep->str : r->c->errstr);
	if (rep)
		freeReplyObject(rep);
	return ok ? 0 : -1;
}

static int connect_redis(sc_redis *r)
{
	long long ms = sc_config_int(SC_CFG_REDIS_TIMEOUT_MS);
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000) };
	sc_str pw = sc_config_secret(SC_CFG_REDIS_PASSWORD);
	long long dbn = sc_config_int(SC_CFG_REDIS_DB);
	const char *host = sc_config_str(SC_CFG_REDIS_HOST);

	sc_redis_close(r);
	/* a path: Redis's unix socket (cheaper than TCP on the same host) */
	r->c = host[0] == '/' ? redisConnectUnixWithTimeout(host, tv) :
	    redisConnectWithTimeout(host, (int)sc_config_int(SC_CFG_REDIS_PORT), tv);
	if (r->c == NULL || r->c->err) {
		snprintf(r->err, sizeof(r->err), "connect: %s", r->c ? r->c->errstr : "no memory");
		goto fail;
	}
	if (redisSetTimeout(r->c, tv) != REDIS_OK) {
		snprintf(r->err, sizeof(r->err), "set timeout failed");
		goto fail;
	}
	if (pw.len > 0) {
		const char *argv[] = { "AUTH", pw.ptr };
		size_t lens[] = { 4, pw.len };
		if (simple(r, 2, argv, lens) < 0)
			goto fail;
	}
	if (dbn != 0) {
		char num[8];
		const char *argv[] = { "SELECT", num };
		size_t lens[] = { 6, 0 };
		lens[1] = (size_t)snprintf(num, sizeof(num), "%lld", dbn);
		if (simple(r, 2, argv, lens) < 0)
			goto fail;
	}
	return 0;
fail:
	sc_redis_close(r);
	return -1;
}

int sc_redis_cmd(sc_redis *r, int argc, const char **argv, const size_t *argvlen,
    redisReply **reply, int *unavailable, const char **errstr)
{
	int attempt;

	*reply = NULL;
	*unavailable = 0;
	for (attempt = 0; attempt < 2; attempt++) {
		redisReply *rep;
		if (r->c == NULL && connect_redis(r) < 0) {
			*unavailable = 1;
			*errstr = r->err;
			return -1;
		}
		rep = redisCommandArgv(r->c, argc, argv, argvlen);
		if (rep == NULL) {
			snprintf(r->err, sizeof(r->err), "%s: %s", argv[0], r->c->errstr);
			sc_redis_close(r);
			continue;
		}
		if (rep->type == REDIS_REPLY_ERROR) {
			snprintf(r->err, sizeof(r->err), "%s", rep->str);
			freeReplyObject(rep);
			*errstr = r->err;
			return -1;
		}
		*reply = rep;
		return 0;
	}
	*unavailable = 1;
	*errstr = r->err;
	return -1;
}

int sc_redis_eval(sc_redis *r, sc_redis_script *s, int nkeys, const char **keys,
    int nargs, const char **args, redisReply **reply, int *unavailable, const char **errstr)
{
	const char *argv[3 + 16];
	size_t lens[3 + 16];
	char num[8];
	int i, n = 0, rc;

	if (nkeys < 0 || nargs < 0 || nkeys + nargs > 16) {
		*unavailable = 0;
		*errstr = "too many script arguments";
		return -1;
	}
	if (s->sha[0] == '\0') {
		unsigned char md[20];
		unsigned int mdlen = 0;
		EVP_Digest(s->text, strlen(s->text), md, &mdlen, EVP_sha1(), NULL);
		for (i = 0; i < 20; i++)
			snprintf(s->sha + 2 * i, 3, "%02x", md[i]);
	}
	snprintf(num, sizeof(num), "%d", nkeys);
	argv[n++] = "EVALSHA";
	argv[n++] = s->sha;
	argv[n++] = num;
	for (i = 0; i < nkeys; i++)
		argv[n++] = keys[i];
	for (i = 0; i < nargs; i++)
		argv[n++] = args[i];
	for (i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	rc = sc_redis_cmd(r, n, argv, lens, reply, unavailable, errstr);
	if (rc < 0 && !*unavailable && strncmp(*errstr, "NOSCRIPT", 8) == 0) {
		argv[0] = "EVAL";
		argv[1] = s->text;
		lens[0] = 4;
		lens[1] = strlen(s->text);
		rc = sc_redis_cmd(r, n, argv, lens, reply, unavailable, errstr);
	}
	return rc;
}

int sc_redis_ping(sc_redis *r)
{
	const char *argv[] = { "PING" };
	size_t lens[] = { 4 };
	redisReply *rep;
	int unavailable;
	const char *err;

	if (sc_redis_cmd(r, 1, argv, lens, &rep, &unavailable, &err) < 0) {
		sc_log(SC_LOG_WARN, "redis ping failed", "\"error\":\"%s\"",
		    unavailable ? "unavailable" : "error");
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}
