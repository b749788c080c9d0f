/* GET /v1/keys/:user_id - a user's prekey bundle: {user_id, identity_key,
 *   signed_pre_key {key_id, public_key, signature}, one_time_pre_key?
 *   {key_id, public_key}, kyber_pre_key? {key_id, public_key, signature}}
 *   (optional members left out when there is none; keys padded base64).
 *
 * One one-time prekey is claimed (deleted, and recorded as handed out) in the
 * same statement that reads the bundle, with FOR UPDATE SKIP LOCKED: no key
 * is handed out twice, even to concurrent fetches, and a fetch never waits
 * for another. A claim that leaves fewer than SC_KEYS_LOW unclaimed sends
 * keys.low {one_time_keys} to the owner. HEAD answers the same status without
 * claiming. Unknown or deleted user, or no keys: 404; a block either way:
 * 403; more than KEYS_FETCH_BURST at once or KEYS_FETCH_PER_MINUTE sustained
 * by one requester: 429 (sc_auth_limit class "keys"). One's own bundle may
 * be fetched. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_keys.h"
#include "sc_row.h"

#include <stdlib.h>

/* $1 owner, $2 caller, $3 claim (false for HEAD). No row: unknown or deleted
 * owner. Else one row: blocked, has_keys, identity key, signed (id, key,
 * signature), Kyber (id, key, signature; NULLs), claimed one-time key (id,
 * key; NULLs), unclaimed left after the claim. */
static const char SQL_BUNDLE[] =
    "WITH t AS (SELECT u.user_id, NOT " SC_SQL_NOT_BLOCKED("$2::uuid", "u.user_id") " AS blocked "
    "           FROM users u WHERE u.user_id = $1::uuid AND u.deleted_at IS NULL), "
    "k AS (SELECT k.* FROM e2ee_keys k JOIN t ON t.user_id = k.user_id AND NOT t.blocked), "
    "c AS (DELETE FROM e2ee_one_time_keys o "
    "      WHERE (o.user_id, o.key_id) = (SELECT p.user_id, p.key_id FROM e2ee_one_time_keys p "
    "            WHERE p.user_id = $1::uuid AND $3::boolean AND EXISTS (SELECT 1 FROM k) "
    "            ORDER BY p.key_id LIMIT 1 FOR UPDATE OF p SKIP LOCKED) "
    "      RETURNING o.key_id, o.public_key), "
    "x AS (INSERT INTO e2ee_claimed_keys (user_id, key_id, public_key) "
    "      SELECT $1::uuid, c.key_id, c.public_key FROM c ON CONFLICT DO NOTHING) "
    "SELECT t.blocked, k.user_id IS NOT NULL, " SC_KEYS_SQL_B64("k.identity_key") ", "
    "  k.signed_key_id, " SC_KEYS_SQL_B64("k.signed_public") ", "
    SC_KEYS_SQL_B64("k.signed_signature") ", k.kyber_key_id, "
    SC_KEYS_SQL_B64("k.kyber_public") ", " SC_KEYS_SQL_B64("k.kyber_signature") ", "
    "  c.key_id, " SC_KEYS_SQL_B64("c.public_key") ", "
    "  (SELECT count(*) FROM e2ee_one_time_keys o WHERE o.user_id = $1::uuid) "
    "    - (SELECT count(*) FROM c) "
    "FROM t LEFT JOIN k ON true LEFT JOIN c ON true";

/* {key_id, public_key[, signature]} from columns id, id + 1[, id + 2] */
static json_object *key_obj(const PGresult *res, int col, int with_sig)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "key_id", sc_row_int(res, 0, col));
	json_object_object_add(o, "public_key", sc_row_text(res, 0, col + 1));
	if (with_sig)
		json_object_object_add(o, "signature", sc_row_text(res, 0, col + 2));
	return o;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *owner = sc_route_param(&req->params, "user_id");
	const char *p[3] = { owner, req->user.user_id,
	    req->method_bit == SC_M_HEAD ? "false" : "true" };
	PGresult *res;
	sc_db_err err;
	json_object *o;
	long long left;

	if (!sc_auth_limit(req, resp, "keys", sc_config_int(SC_CFG_KEYS_FETCH_PER_MINUTE),
	    sc_config_int(SC_CFG_KEYS_FETCH_BURST)))
		return -1;
	if (sc_db_exec(req->db, req->arena, SQL_BUNDLE, 3, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "user not found");
	if (sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "a block stands between you and this user");
	if (!sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 404, "this user has not uploaded keys");
	o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(owner));
	json_object_object_add(o, "identity_key", sc_row_text(res, 0, 2));
	json_object_object_add(o, "signed_pre_key", key_obj(res, 3, 1));
	if (!PQgetisnull(res, 0, 9))
		json_object_object_add(o, "one_time_pre_key", key_obj(res, 9, 0));
	if (!PQgetisnull(res, 0, 6))
		json_object_object_add(o, "kyber_pre_key", key_obj(res, 6, 1));
	sc_resp_json(resp, 200, o);
	left = strtoll(PQgetvalue(res, 0, 11), NULL, 10);
	if (!PQgetisnull(res, 0, 9) && left < SC_KEYS_LOW) {
		json_object *d = json_object_new_object();
		const char *why;
		json_object_object_add(d, "one_time_keys", json_object_new_int64(left));
		sc_events_publish(req->redis, owner, "keys.low", d, &why);
		json_object_put(d);
	}
	return 0;
}

static const sc_endpoint ep = {
	.name = "keys/bundle", .pattern = "/v1/keys/:user_id", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
