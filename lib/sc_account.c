/* sc_account.c - ending sessions and confirming passwords for the account programs. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_log.h"
#include "sc_password.h"
#include "sc_redis.h"
#include "sc_session.h"

#include <stdio.h>
#include <string.h>

/* Decides and revokes in one statement; returns one row: (sessions found 0/1,
 * it is the caller's, no other active session of the caller is left, the id).
 * Only the caller's own session is touched; "last" is only true for it. */
static const char SQL_LOGOUT[] =
    "WITH s AS (SELECT session_id, user_id FROM sessions WHERE session_id = $1), "
    "r AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'logout' FROM s "
    "      WHERE x.session_id = s.session_id AND s.user_id = $2 AND x.revoked_at IS NULL "
    "      RETURNING x.session_id), "
    "l AS (SELECT EXISTS (SELECT 1 FROM s WHERE s.user_id = $2) "
    "         AND NOT EXISTS (SELECT 1 FROM sessions a WHERE a.user_id = $2 "
    "                         AND a.session_id <> $1 AND a.revoked_at IS NULL "
    "                         AND a.refresh_expires_at > now()) AS last), "
    "o AS (UPDATE users u SET status = 'offline' FROM l "
    "      WHERE l.last AND u.user_id = $2 AND u.deleted_at IS NULL AND u.status <> 'offline') "
    "SELECT (SELECT count(*) FROM s), (SELECT bool_or(s.user_id = $2) FROM s), "
    "       (SELECT last FROM l), $1::uuid";

/* The caller's password hash; no row once the account is deleted. */
static const char SQL_HASH[] =
    "SELECT password_hash FROM users WHERE user_id = $1 AND deleted_at IS NULL";

int sc_account_redis_down(sc_resp *resp)
{
	return sc_resp_unavailable(resp, "service unavailable, try again later");
}

int sc_account_revoked(sc_req *req, sc_resp *resp, const PGresult *res, int col, int offline)
{
	int i, n = 0, failed = sc_session_revoke_redis(req, res, col) < 0;

	for (i = 0; i < PQntuples(res); i++)
		n += !PQgetisnull(res, i, col);

	if (!failed && offline) {
		char key[64];
		const char *argv[2] = { "DEL", key };
		size_t lens[2] = { 3, 0 };
		redisReply *rep = NULL;
		int unavailable = 0;
		const char *err;

		lens[1] = (size_t)snprintf(key, sizeof(key), "presence:%s", req->user.user_id);
		if (sc_redis_cmd(req->redis, 2, argv, lens, &rep, &unavailable, &err) < 0)
			failed = 1;
		freeReplyObject(rep);
	}
	if (failed) {
		sc_log(SC_LOG_ERROR, "could not update Redis after revoking sessions", NULL);
		return sc_account_redis_down(resp);
	}
	return n;
}

int sc_account_revoked_answer(sc_req *req, sc_resp *resp, const PGresult *res,
    struct json_object *o)
{
	int n = sc_account_revoked(req, resp, res, 0, 0);

	if (n < 0) {
		json_object_put(o);
		return -1;
	}
	if (o == NULL)
		o = json_object_new_object();
	json_object_object_add(o, "sessions_revoked", json_object_new_int(n));
	sc_resp_json(resp, 200, o);
	return 0;
}

int sc_account_logout(sc_req *req, sc_resp *resp, const char *session_id)
{
	const char *p[2] = { session_id, req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_LOGOUT, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (strcmp(PQgetvalue(res, 0, 0), "0") == 0)
		return sc_resp_error(resp, 404, "no such session");
	if (PQgetvalue(res, 0, 1)[0] != 't')
		return sc_resp_error(resp, 403, "session belongs to another user");
	if (sc_account_revoked(req, resp, res, 3, PQgetvalue(res, 0, 2)[0] == 't') < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "session_id", json_object_new_string(session_id));
	json_object_object_add(o, "revoked", json_object_new_boolean(1));
	sc_resp_json(resp, 200, o);
	return 0;
}

int sc_account_password(sc_req *req, sc_resp *resp, const char *pw, size_t len,
    const char *wrong, const char **hash)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	int rehash = 0, rc;

	if (sc_db_exec(req->db, req->arena, SQL_HASH, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1) {
		sc_password_verify_dummy(pw, len);
		return sc_resp_error(resp, 404, "account not found");
	}
	rc = sc_password_verify(pw, len, PQgetvalue(res, 0, 0), &rehash);
	if (rc < 0)
		return sc_resp_fail(resp, "password verification failed");
	if (rc == 0)
		return sc_resp_error(resp, 401, wrong);
	*hash = PQgetvalue(res, 0, 0);   /* the result lives on the arena */
	return 0;
}
