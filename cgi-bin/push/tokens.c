/* /v1/push/tokens - the caller's push devices.
 *
 * POST {type, platform?, token | subscription, device_id?} (sc_push_dev.h) -
 *   register a device. 201 {device_id, type, platform, created_at} for a new
 *   device; 200 with the same when an existing one was updated: the caller's
 *   device_id (a rotated token), or the same token of the same type, also one
 *   another account had (the phone changed accounts: the device moves to the
 *   caller). When the caller's device_id takes a token another row holds, that
 *   row is deleted. 403 when device_id is another account's device (and not
 *   the row of this token); 409 when the caller would have more than
 *   PUSH_MAX_DEVICES devices; 400 naming the field for a malformed body.
 * GET - {devices:[{device_id, type, platform, token_hint, created_at,
 *   updated_at}]}, oldest first; never a whole token (sc_push_dev_hint).
 * DELETE - every device of the caller: 200 {deleted: count}. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_push_dev.h"
#include "sc_rand.h"
#include "sc_row.h"

#include <stdio.h>
#include <string.h>

/* $1 caller, $2 device_id (NULL: none), $3 type, $4 platform, $5 token, $6
 * p256dh, $7 auth_secret (bytea, NULL unless web), $8 cap. d: the device_id's
 * row, t: the token's row; the target is the caller's d, else t (NULL: a new
 * row). One row: forbidden (d is another account's and not t), then the
 * device written (device_id, type, platform, created_at, created) or NULLs
 * when refused (forbidden, or over the cap: only a new device of the caller
 * counts against it). del must finish before upd writes the token: upd joins
 * its count. */
static const char SQL_REGISTER[] =
    "WITH d AS (SELECT device_id, user_id FROM push_devices WHERE device_id = $2::uuid), "
    "t AS (SELECT device_id, user_id FROM push_devices WHERE type = $3 AND token = $5), "
    "tg AS (SELECT COALESCE((SELECT device_id FROM d WHERE user_id = $1::uuid), "
    "                       (SELECT device_id FROM t)) AS id), "
    "chk AS (SELECT tg.id AS tgt, "
    "  EXISTS (SELECT 1 FROM d WHERE d.user_id <> $1::uuid "
    "          AND d.device_id IS DISTINCT FROM (SELECT device_id FROM t)) AS forbidden, "
    "  EXISTS (SELECT 1 FROM push_devices x WHERE x.device_id = tg.id "
    "          AND x.user_id = $1::uuid) AS own, "
    "  (SELECT count(*) FROM push_devices x WHERE x.user_id = $1::uuid "
    "   AND x.device_id IS DISTINCT FROM tg.id "
    "   AND x.device_id IS DISTINCT FROM (SELECT device_id FROM t)) AS others FROM tg), "
    "go AS (SELECT tgt FROM chk WHERE NOT forbidden AND (own OR others < $8::int)), "
    "del AS (DELETE FROM push_devices p USING go WHERE p.type = $3 AND p.token = $5 "
    "        AND p.device_id <> go.tgt RETURNING p.device_id), "
    "upd AS (UPDATE push_devices p SET user_id = $1::uuid, "
    "          device_id = COALESCE($2::uuid, p.device_id), type = $3, platform = $4, "
    "          token = $5, p256dh = $6::bytea, auth_secret = $7::bytea, updated_at = now(), "
    "          created_at = CASE WHEN p.user_id = $1::uuid THEN p.created_at ELSE now() END, "
    "          last_push_at = CASE WHEN p.user_id = $1::uuid THEN p.last_push_at END "
    "        FROM go, (SELECT count(*) AS n FROM del) x WHERE p.device_id = go.tgt "
    "        RETURNING p.device_id, p.type, p.platform, " SC_SQL_TS("p.created_at") " AS ts, "
    "          false AS created), "
    "ins AS (INSERT INTO push_devices (device_id, user_id, type, platform, token, p256dh, "
    "          auth_secret) "
    "        SELECT COALESCE($2::uuid, gen_random_uuid()), $1::uuid, $3, $4, $5, $6::bytea, "
    "          $7::bytea FROM go WHERE go.tgt IS NULL "
    "        RETURNING device_id, type, platform, " SC_SQL_TS("created_at") " AS ts, "
    "          true AS created) "
    "SELECT chk.forbidden, r.device_id, r.type, r.platform, r.ts, r.created FROM chk "
    "LEFT JOIN (SELECT * FROM upd UNION ALL SELECT * FROM ins) r ON true";

/* $1 caller: the devices, oldest first. */
static const char SQL_LIST[] =
    "SELECT " SC_PUSH_DEV_COLS " FROM push_devices d WHERE d.user_id = $1::uuid "
    "ORDER BY d.created_at, d.device_id LIMIT 1000";

/* $1 caller: one row per device deleted. */
static const char SQL_DELETE_ALL[] =
    "DELETE FROM push_devices WHERE user_id = $1::uuid RETURNING device_id";

static int post(sc_req *req, sc_resp *resp)
{
	char p256[2 + 2 * SC_PUSH_P256_LEN + 1] = "\\x", auth[2 + 2 * SC_PUSH_AUTH_LEN + 1] = "\\x";
	char cap[24];
	const char *p[8];
	sc_push_dev d;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *o;
	int web, tries = 0, rc;

	if (sc_push_dev_parse(req->arena, req->json, &d, &e) < 0)
		return sc_resp_verr(resp, &e);
	web = strcmp(d.type, "web") == 0;
	if (web) {
		sc_hex_encode(d.p256dh, sizeof(d.p256dh), p256 + 2);
		sc_hex_encode(d.auth, sizeof(d.auth), auth + 2);
	}
	snprintf(cap, sizeof(cap), "%lld", sc_config_int(SC_CFG_PUSH_MAX_DEVICES));
	p[0] = req->user.user_id;
	p[1] = d.has_device_id ? d.device_id : NULL;
	p[2] = d.type;
	p[3] = d.platform;
	p[4] = d.token;
	p[5] = web ? p256 : NULL;
	p[6] = web ? auth : NULL;
	p[7] = cap;
	/* a concurrent registration of the same token or device_id hits a unique
	 * index: once more sees its row and updates it */
	while ((rc = sc_db_exec(req->db, req->arena, SQL_REGISTER, 8, p, 0, &res, &err)) < 0 &&
	    strcmp(err.sqlstate, "23505") == 0 && ++tries < 2)
		;
	if (rc < 0 && strcmp(err.sqlstate, "23505") == 0)
		return sc_resp_error(resp, 409, "registered concurrently; try again");
	if (rc < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "push device registration returned no row");
	if (sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "device_id belongs to another account's device");
	if (PQgetisnull(res, 0, 1))
		return sc_resp_error(resp, 409, sc_arena_printf(req->arena, "too many push devices: "
		    "at most %s per account; delete one first", cap));
	o = json_object_new_object();
	json_object_object_add(o, "device_id", sc_row_text(res, 0, 1));
	json_object_object_add(o, "type", sc_row_text(res, 0, 2));
	json_object_object_add(o, "platform", sc_row_text(res, 0, 3));
	json_object_object_add(o, "created_at", sc_row_text(res, 0, 4));
	sc_resp_json(resp, sc_row_is_true(res, 0, 5) ? 201 : 200, o);
	return 0;
}

static int list(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o, *arr;
	int i;

	if (sc_db_exec(req->db, req->arena, SQL_LIST, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++)
		json_object_array_add(arr, sc_push_dev_json(res, i, 0));
	o = json_object_new_object();
	json_object_object_add(o, "devices", arr);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int delete_all(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_DELETE_ALL, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int(PQntuples(res)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	switch (req->method_bit) {
	case SC_M_GET:
	case SC_M_HEAD:
		return list(req, resp);
	case SC_M_POST:
		return post(req, resp);
	case SC_M_DELETE:
		return delete_all(req, resp);
	}
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "push/tokens", .pattern = "/v1/push/tokens",
	.methods = SC_M_GET | SC_M_POST | SC_M_DELETE,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
