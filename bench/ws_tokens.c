/* ws_tokens.c - access tokens for the WebSocket bench (bench/lib/ws.sh).
 *
 *   SC_CONFIG=sc.conf ws-tokens COUNT > tokens.txt
 *
 * Prints COUNT lines "user_id token": synthetic user ids 00000000-0000-4000-8000-<i as 12 hex
 * digits>, each with its own random session id, and an access token from sc_jwt_issue() with the
 * config's JWT_SECRET, JWT_ISSUER and JWT_ACCESS_TTL_SECONDS, so the relay sees exactly what the
 * API issues. The users are not in PostgreSQL: the relay only checks revoked:sid:{sid} in Redis. */
#include "sc_config.h"
#include "sc_jwt.h"
#include "sc_uuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	const char *err = NULL;
	char *end, user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
	long n, i;
	time_t now = time(NULL);

	if (argc != 2) {
		fputs("usage: SC_CONFIG=FILE ws-tokens COUNT\n", stderr);
		return 2;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || *end || n < 1 || n > 1000000) {
		fputs("ws-tokens: COUNT must be 1..1000000\n", stderr);
		return 2;
	}
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "ws-tokens: config: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *tok = NULL;
		int k = snprintf(user, sizeof(user), "00000000-0000-4000-8000-%012lx", (unsigned long)i);
		if (k != SC_UUID_STRLEN)
			return 1;
		sc_uuid_v4(sid);
		if (sc_jwt_issue(user, sid, "user", now, &tok, NULL) < 0) {
			fputs("ws-tokens: sc_jwt_issue failed\n", stderr);
			return 1;
		}
		if (printf("%s %s\n", user, tok) < 0) {
			free(tok);
			return 1;
		}
		free(tok);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
