/* GET, PATCH, DELETE /v1/users/me - the caller's own account.
 * GET: the self user object; 404 when the account is deleted.
 * PATCH: any of display_name (1..100), avatar_url (https URL up to 2048 bytes,
 * null clears it), status (online|away|busy|offline), searchable, read_receipts
 * (booleans); other fields are ignored; 400 naming a wrong field, 400 when none
 * is given; 200 the updated user.
 * DELETE: {password}; 401 when wrong; then one statement scrubs the personal
 * fields, marks the account deleted (login refuses it), revokes every
 * session, which Redis then refuses at once, deletes its E2EE prekeys, and
 * marks every file of the account deleted (no longer downloadable by anyone,
 * quota back to 0). The bytes of up to 100 files are removed at once, best
 * effort; sc-admin gc removes the rest. 200 {deleted:true}. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_password.h"
#include "sc_rand.h"
#include "sc_storage.h"
#include "sc_user.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The caller's user object; no row once deleted. */
static const char SQL_GET[] =
    "SELECT " SC_USER_SELF_COLS " FROM users u WHERE u.user_id = $1 AND u.deleted_at IS NULL";

/* Applies the given fields (NULL: keep; $3 says whether avatar_url is set,
 * possibly to NULL); returns the updated user. */
static const char SQL_PATCH[] =
    "UPDATE users u SET display_name = COALESCE($2, u.display_name), "
    "  avatar_url = CASE WHEN $3::bool THEN $4 ELSE u.avatar_url END, "
    "  status = COALESCE($5, u.status), searchable = COALESCE($6::bool, u.searchable), "
    "  read_receipts = COALESCE($7::bool, u.read_receipts), updated_at = now() "
    "WHERE u.user_id = $1 AND u.deleted_at IS NULL RETURNING " SC_USER_SELF_COLS;

/* Scrubs the account whose hash is still $2, revokes all its sessions and
 * deletes its prekeys (identity, signed, Kyber, one-time, claim records)
 * and marks all its files deleted; one row per revoked session id (one NULL
 * row when none was open), no row when the account was deleted or its
 * password changed meanwhile. */
static const char SQL_DELETE[] =
    "WITH u AS (UPDATE users SET email = $3, username = $4, display_name = 'Deleted user', "
    "             avatar_url = NULL, password_hash = '!', status = 'deleted', "
    "             searchable = false, settings = '{}', storage_used_bytes = 0, "
    "             deleted_at = now(), updated_at = now() "
    "           WHERE user_id = $1 AND deleted_at IS NULL AND password_hash = $2 "
    "           RETURNING user_id), "
    "s AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'account deleted' "
    "      FROM u WHERE x.user_id = u.user_id AND x.revoked_at IS NULL RETURNING x.session_id), "
    "k1 AS (DELETE FROM e2ee_keys k USING u WHERE k.user_id = u.user_id), "
    "k2 AS (DELETE FROM e2ee_one_time_keys k USING u WHERE k.user_id = u.user_id), "
    "k3 AS (DELETE FROM e2ee_claimed_keys k USING u WHERE k.user_id = u.user_id), "
    "f AS (UPDATE files x SET status = 'deleted', updated_at = now() "
    "      FROM u WHERE x.user_id = u.user_id AND x.status <> 'deleted' RETURNING 1) "
    "SELECT s.session_id FROM u LEFT JOIN s ON true";

/* Files whose bytes an account deletion removes at once (gc does the rest). */
#define PURGE_AT_ONCE 100

/* 1 when key is given as JSON null */
static int is_null(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && v == NULL;
}

static int patch(sc_req *req, sc_resp *resp)
{
	static const char *const flags[2] = { "searchable", "read_receipts" };
	const char *dn = NULL, *url = NULL, *st = NULL, *b[2] = { NULL, NULL };
	json_object *v = NULL;
	int given = 0, has_url, i, x, on;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	x = sc_json_get_str(req->json, "display_name", SC_OPTIONAL, 1, 100, &dn, NULL, &e);
	if (x < 0 || is_null(req->json, "display_name"))
		return sc_resp_bad(resp, "display_name", "must be a string of 1..100 characters");
	given += x;
	/* avatar_url: null clears it */
	has_url = json_object_object_get_ex(req->json, "avatar_url", &v);
	if (v != NULL && (!json_object_is_type(v, json_type_string) ||
	    !sc_user_https_url_valid(url = json_object_get_string(v), (size_t)json_object_get_string_len(v))))
		return sc_resp_bad(resp, "avatar_url", "must be an https:// URL of at most 2048 bytes, or null");
	given += has_url;
	x = sc_json_get_str(req->json, "status", SC_OPTIONAL, 1, 16, &st, NULL, &e);
	if (x < 0 || is_null(req->json, "status") || (x == 1 && !sc_user_status_valid(st)))
		return sc_resp_bad(resp, "status", "must be one of online, away, busy, offline");
	given += x;
	for (i = 0; i < 2; i++) {
		x = sc_json_get_bool(req->json, flags[i], SC_OPTIONAL, &on, &e);
		if (x < 0 || is_null(req->json, flags[i]))
			return sc_resp_bad(resp, flags[i], "must be true or false");
		b[i] = x ? (on ? "true" : "false") : NULL;
		given += x;
	}
	if (!given)
		return sc_resp_error(resp, 400, "no updatable field given");
	{
		const char *p[7] = { req->user.user_id, dn, has_url ? "true" : "false", url, st,
		    b[0], b[1] };
		if (sc_db_exec(req->db, req->arena, SQL_PATCH, 7, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	sc_resp_json(resp, 200, sc_user_json(res, 0, 0, SC_USER_SELF));
	return 0;
}

static int delete_me(sc_req *req, sc_resp *resp)
{
	const char *pw, *hash, *id = req->user.user_id;
	json_object *v;
	char email[96], name[48], hex[33], salt[17], after[37];
	long long removed;
	size_t plen, i, o = 0;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	int rc;

	if (sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &pw, &plen,
	    &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_account_password(req, resp, pw, plen, "password is wrong", &hash) < 0)
		return -1;
	for (i = 0; id[i] != '\0' && o < 32; i++)
		if (id[i] != '-')
			hex[o++] = id[i];
	hex[o] = '\0';
	/* The placeholders are valid names, so someone may have registered them
	 * first (the id is no secret): then fall back to ones register refuses
	 * (a 40-character username) or cannot guess (a random e-mail). */
	snprintf(email, sizeof(email), "deleted-%s@deleted.invalid", id);
	snprintf(name, sizeof(name), "deleted_%.12s", hex);
	for (i = 0; i < 2; i++) {
		const char *p[4] = { id, hash, email, name };
		rc = sc_db_exec(req->db, req->arena, SQL_DELETE, 4, p, 0, &res, &err);
		if (rc == 0 || strcmp(err.sqlstate, "23505") != 0)
			break;
		sc_rand_hex(salt, 8);
		snprintf(email, sizeof(email), "deleted-%s-%s@deleted.invalid", id, salt);
		snprintf(name, sizeof(name), "deleted_%s", hex);
	}
	if (rc < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 409, "the account changed meanwhile, try again");
	if (sc_account_revoked(req, resp, res, 0, 1) < 0)
		return -1;
	after[0] = '\0';
	sc_storage_purge(req->db, req->arena, id, PURGE_AT_ONCE, after, &removed);
	v = json_object_new_object();
	json_object_object_add(v, "deleted", json_object_new_boolean(1));
	sc_resp_json(resp, 200, v);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;

	if (req->method_bit == SC_M_PATCH)
		return patch(req, resp);
	if (req->method_bit == SC_M_DELETE)
		return delete_me(req, resp);
	if (sc_db_exec(req->db, req->arena, SQL_GET, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	sc_resp_json(resp, 200, sc_user_json(res, 0, 0, SC_USER_SELF));
	return 0;
}

static const sc_endpoint ep = {
	.name = "users/me", .pattern = "/v1/users/me",
	.methods = SC_M_GET | SC_M_PATCH | SC_M_DELETE,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
	.prefetch = SQL_GET,
};

int main(void)
{
	return sc_app_run(&ep);
}
