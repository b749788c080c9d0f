/* sc_presence.c - presence:{user_id} and the peers cache in Redis (sc_presence.h). */
#include "sc_presence.h"
#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_log.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "presence:peersgen:" (the longest prefix) + a user id + NUL */
#define KEY_SIZE 64

int sc_presence_set(sc_redis *r, const char *user_id, int online, const char **errstr)
{
	char key[KEY_SIZE], ttl[24];
	const char *argv[5];
	size_t lens[5];
	redisReply *rep = NULL;
	int unavailable = 0, argc, n;

	n = snprintf(key, sizeof(key), "presence:%s", user_id);
	if (n < 0 || (size_t)n >= sizeof(key)) {
		*errstr = "user id too long";
		return -1;
	}
	if (online) {
		snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_PRESENCE_TTL_SECONDS));
		argv[0] = "SET"; argv[1] = key; argv[2] = "online"; argv[3] = "EX"; argv[4] = ttl;
		argc = 5;
	} else {
		argv[0] = "DEL"; argv[1] = key;
		argc = 2;
	}
	for (n = 0; n < argc; n++)
		lens[n] = strlen(argv[n]);
	if (sc_redis_cmd(r, argc, argv, lens, &rep, &unavailable, errstr) < 0)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int sc_presence_online(sc_redis *r, int n, const char *const *ids, int *online,
    const char **errstr)
{
	const char **argv;
	size_t *lens;
	char *keys;
	redisReply *rep = NULL;
	int unavailable = 0, i, rc = -1;

	if (n <= 0)
		return 0;
	if (n > SC_PRESENCE_MAX_IDS) {
		*errstr = "too many ids";
		return -1;
	}
	argv = sc_xcalloc((size_t)n + 1, sizeof(*argv));
	lens = sc_xcalloc((size_t)n + 1, sizeof(*lens));
	keys = sc_xcalloc((size_t)n, KEY_SIZE);
	argv[0] = "MGET";
	lens[0] = 4;
	for (i = 0; i < n; i++) {
		char *k = keys + (size_t)i * KEY_SIZE;
		int len = snprintf(k, KEY_SIZE, "presence:%s", ids[i]);
		if (len < 0 || len >= KEY_SIZE) {
			*errstr = "user id too long";
			goto out;
		}
		argv[i + 1] = k;
		lens[i + 1] = (size_t)len;
	}
	if (sc_redis_cmd(r, n + 1, argv, lens, &rep, &unavailable, errstr) < 0)
		goto out;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != (size_t)n) {
		*errstr = "unexpected MGET reply";
		goto out;
	}
	for (i = 0; i < n; i++)
		online[i] = rep->element[i]->type == REDIS_REPLY_STRING;
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	free(keys);
	free(lens);
	free(argv);
	return rc;
}

/* ---- the peers cache -------------------------------------------------------- */

/* $1 user: the peers as a comma list, or NULL when there are none. */
static const char SQL_PEERS[] =
    "SELECT string_agg(s.user_id::text, ',') FROM (" SC_SQL_PRESENCE_PEERS("$1::uuid") ") s";

/* KEYS[1] the set, KEYS[2] the generation; ARGV[1] the generation read
 * before the statement ("" = none), ARGV[2] TTL, ARGV[3] marker, ARGV[4]
 * peers (comma list). SADD in slices: unpack() has a stack limit. */
static sc_redis_script store_script = { .text =
	"if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return -1 end\n"
	"redis.call('DEL', KEYS[1])\n"
	"local batch, n = {ARGV[3]}, 0\n"
	"for u in string.gmatch(ARGV[4], '[^,]+') do\n"
	"  batch[#batch + 1] = u\n"
	"  n = n + 1\n"
	"  if #batch >= 1000 then redis.call('SADD', KEYS[1], unpack(batch)); batch = {} end\n"
	"end\n"
	"if #batch > 0 then redis.call('SADD', KEYS[1], unpack(batch)) end\n"
	"redis.call('EXPIRE', KEYS[1], ARGV[2])\n"
	"return n\n",
};

/* ARGV[1] user ids (comma list), ARGV[2] generation TTL. The generation is
 * Redis's clock in microseconds, or one more than the stored value when that
 * is not older: it never repeats while the key lives, and a key that expired
 * an hour ago held a smaller number than any new one. */
static sc_redis_script forget_script = { .text =
	"local t = redis.call('TIME')\n"
	"local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
	"local n = 0\n"
	"for u in string.gmatch(ARGV[1], '[^,]+') do\n"
	"  local g = 'presence:peersgen:' .. u\n"
	"  local v = tonumber(redis.call('GET', g) or '0') or 0\n"
	"  if v >= now then v = v + 1 else v = now end\n"
	"  redis.call('SET', g, string.format('%.0f', v), 'EX', ARGV[2])\n"
	"  n = n + redis.call('DEL', 'presence:peers:' .. u)\n"
	"end\n"
	"return n\n",
};

/* lower-case user ids (hex and dashes), comma separated: nothing else may
 * become part of a key name inside a script */
static int ids_valid(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || *s == '-' || *s == ','))
			return 0;
	return 1;
}

static int peer_keys(const char *user_id, char set[KEY_SIZE], char gen[KEY_SIZE],
    const char **errstr)
{
	int a, b;

	if (strlen(user_id) > SC_UUID_STRLEN || strchr(user_id, ',') != NULL ||
	    !ids_valid(user_id) || user_id[0] == '\0') {
		*errstr = "malformed user id";
		return -1;
	}
	a = snprintf(set, KEY_SIZE, "presence:peers:%s", user_id);
	b = snprintf(gen, KEY_SIZE, "presence:peersgen:%s", user_id);
	if (a < 0 || a >= KEY_SIZE || b < 0 || b >= KEY_SIZE) {
		*errstr = "user id too long";
		return -1;
	}
	return 0;
}

int sc_presence_peers_begin(sc_redis *r, const char *user_id, char gen[SC_PRESENCE_GEN_SIZE],
    const char **errstr)
{
	char set[KEY_SIZE], genkey[KEY_SIZE];
	const char *argv[2];
	size_t lens[2];
	redisReply *rep = NULL;
	int unavailable = 0, rc = -1;

	gen[0] = '\0';
	if (peer_keys(user_id, set, genkey, errstr) < 0)
		return -1;
	argv[0] = "GET";
	argv[1] = genkey;
	lens[0] = 3;
	lens[1] = strlen(genkey);
	if (sc_redis_cmd(r, 2, argv, lens, &rep, &unavailable, errstr) < 0)
		return -1;
	if (rep->type == REDIS_REPLY_NIL) {
		rc = 0;
	} else if (rep->type == REDIS_REPLY_STRING && rep->len < SC_PRESENCE_GEN_SIZE) {
		memcpy(gen, rep->str, rep->len);
		gen[rep->len] = '\0';
		rc = 0;
	} else {
		*errstr = "unexpected generation";
	}
	freeReplyObject(rep);
	return rc;
}

int sc_presence_peers_store(sc_redis *r, const char *user_id, const char *gen,
    const char *peers, const char **errstr)
{
	char set[KEY_SIZE], genkey[KEY_SIZE], ttl[24];
	const char *keys[2] = { set, genkey }, *args[4];
	redisReply *rep = NULL;
	int unavailable = 0, rc;

	if (peer_keys(user_id, set, genkey, errstr) < 0)
		return -1;
	snprintf(ttl, sizeof(ttl), "%d", SC_PRESENCE_PEERS_TTL);
	args[0] = gen;
	args[1] = ttl;
	args[2] = SC_PRESENCE_PEERS_MARK;
	args[3] = peers != NULL ? peers : "";
	if (sc_redis_eval(r, &store_script, 2, keys, 4, args, &rep, &unavailable, errstr) < 0)
		return -1;
	if (rep->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(rep);
		*errstr = "unexpected reply";
		return -1;
	}
	rc = rep->integer < 0 ? 0 : 1;
	freeReplyObject(rep);
	return rc;
}

int sc_presence_peers_refresh(sc_db *db, sc_redis *r, sc_arena *a, const char *user_id)
{
	char gen[SC_PRESENCE_GEN_SIZE];
	const char *p[1] = { user_id }, *errstr = "?";
	PGresult *res;
	sc_db_err err;
	int rc;

	if (sc_presence_peers_begin(r, user_id, gen, &errstr) < 0) {
		sc_log(SC_LOG_WARN, "presence peers not refreshed", "\"step\":\"generation\"");
		return -1;
	}
	if (sc_db_exec(db, a, SQL_PEERS, 1, p, SC_DB_RETRY, &res, &err) < 0 || PQntuples(res) != 1) {
		sc_log(SC_LOG_WARN, "presence peers not refreshed", "\"step\":\"statement\"");
		return -1;
	}
	rc = sc_presence_peers_store(r, user_id, gen, PQgetisnull(res, 0, 0) ? NULL :
	    PQgetvalue(res, 0, 0), &errstr);
	if (rc < 0) {
		sc_log(SC_LOG_WARN, "presence peers not refreshed", "\"step\":\"store\"");
		return -1;
	}
	return 0;
}

int sc_presence_peers_forget(sc_redis *r, const char *user_ids)
{
	char ttl[24];
	const char *args[2], *errstr = NULL;
	redisReply *rep = NULL;
	int unavailable = 0, n;

	if (user_ids == NULL || strspn(user_ids, ",") == strlen(user_ids))
		return 0;
	if (!ids_valid(user_ids)) {
		sc_log(SC_LOG_ERROR, "presence peers not forgotten", "\"error\":\"malformed ids\"");
		return -1;
	}
	snprintf(ttl, sizeof(ttl), "%d", SC_PRESENCE_PEERS_GEN_TTL);
	args[0] = user_ids;
	args[1] = ttl;
	if (sc_redis_eval(r, &forget_script, 0, NULL, 2, args, &rep, &unavailable, &errstr) < 0) {
		sc_log(SC_LOG_WARN, "presence peers not forgotten", "\"unavailable\":%s",
		    unavailable ? "true" : "false");
		return -1;
	}
	n = rep->type == REDIS_REPLY_INTEGER ? (int)rep->integer : 0;
	freeReplyObject(rep);
	return n;
}
