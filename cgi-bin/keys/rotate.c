/* POST /v1/keys/rotate {new_signed_pre_key {key_id, public_key, signature},
 *   new_one_time_keys? [{key_id, public_key}] (0..100), new_kyber_pre_key?
 *   {key_id, public_key, signature}} - replace the caller's signed prekey
 *   (and Kyber prekey, when sent; else the stored one stays), add one-time
 *   prekeys (rules as in upload, lib/sc_keys.h).
 *
 * Signatures are verified against the stored identity key: 400 naming the
 * field. 409 when no identity key was uploaded yet, or when it changed (a
 * re-install) between reading it and storing. 200 {one_time_keys,
 * signed_pre_key_id, kyber_pre_key_id (null when none)}. Two statements: the
 * identity key is needed to verify before the write, and the write checks it
 * is still the same. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_keys.h"

#include <string.h>

/* $1 caller: the stored identity key (base64), no row before an upload */
static const char SQL_IDENTITY[] =
    "SELECT " SC_KEYS_SQL_B64("k.identity_key") " FROM e2ee_keys k WHERE k.user_id = $1::uuid";

static sc_keys_set set;   /* a few KiB: static, one request at a time */

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	sc_keys_stored st;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	memset(&set, 0, sizeof(set));
	if (sc_db_exec(req->db, req->arena, SQL_IDENTITY, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 409, "no identity key was uploaded yet: use POST /v1/keys/upload");
	if (sc_keys_identity_parse(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
	    "identity_key", &set.identity, &e) < 0)
		return sc_resp_fail(resp, "keys: stored identity key malformed");
	if (sc_keys_parse(req->arena, req->json, 1, &set, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_keys_store(req, resp, &set, 1, &st) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "one_time_keys", json_object_new_int64(st.one_time_keys));
	json_object_object_add(o, "signed_pre_key_id", json_object_new_int64(st.signed_key_id));
	json_object_object_add(o, "kyber_pre_key_id",
	    st.kyber_key_id ? json_object_new_int64(st.kyber_key_id) : NULL);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "keys/rotate", .pattern = "/v1/keys/rotate", .methods = SC_M_POST,
	.body_cap = SC_KEYS_BODY_CAP, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
