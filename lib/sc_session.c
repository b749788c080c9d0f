/* sc_session.c - refresh tokens and the token response. */
#include "sc_session.h"
#include "sc_config.h"
#include "sc_jwt.h"
#include "sc_log.h"
#include "sc_rand.h"
#include "sc_ratelimit.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static void hash_of(const char *token, size_t len, char hash[SC_REFRESH_HASH])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(token, len, md, &n, EVP_sha256(), NULL);
	hash[0] = '\\';
	hash[1] = 'x';
	sc_hex_encode(md, 32, hash + 2);
}

void sc_session_refresh_new(char token[SC_REFRESH_LEN + 1], char hash[SC_REFRESH_HASH])
{
	sc_rand_b64url(token, 32);
	hash_of(token, SC_REFRESH_LEN, hash);
}

int sc_session_refresh_hash(const char *token, size_t len, char hash[SC_REFRESH_HASH])
{
	size_t i;
	if (len != SC_REFRESH_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return -1;
	}
	hash_of(token, len, hash);
	return 0;
}

int sc_session_respond(sc_resp *resp, int status, json_object *user, const char *user_id,
    const char *session_id, const char *role, const char *refresh)
{
	char *access = NULL;
	long expires_in = 0;
	json_object *o;

	if (sc_jwt_issue(user_id, session_id, role, time(NULL), &access, &expires_in) < 0) {
		json_object_put(user);
		return sc_resp_fail(resp, "cannot issue an access token");
	}
	o = json_object_new_object();
	if (user != NULL)
		json_object_object_add(o, "user", user);
	json_object_object_add(o, "access_token", json_object_new_string(access));
	json_object_object_add(o, "refresh_token", json_object_new_string(refresh));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "expires_in", json_object_new_int64(expires_in));
	json_object_object_add(o, "session_id", json_object_new_string(session_id));
	free(access);
	sc_resp_json(resp, status, o);
	return 0;
}

int sc_session_revoke_redis(sc_req *req, const void *pgresult, int col)
{
	const PGresult *res = pgresult;
	long long ttl = sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS) + SC_JWT_LEEWAY;
	int i, rc = 0;

	for (i = 0; i < PQntuples(res); i++)
		if (!PQgetisnull(res, i, col) &&
		    sc_ratelimit_revoke(req->redis, PQgetvalue(res, i, col), ttl) < 0)
			rc = -1;
	if (rc < 0)
		sc_log(SC_LOG_ERROR, "could not mark revoked sessions in Redis", NULL);
	return rc;
}
