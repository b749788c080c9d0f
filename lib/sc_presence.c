/* sc_presence.c - presence:{user_id} in Redis (sc_presence.h). */
#include "sc_presence.h"
#include "sc_alloc.h"
#include "sc_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "presence:" + a user id + NUL */
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
