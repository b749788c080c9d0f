/* POST /v1/keys/upload {identity_key, signed_pre_key {key_id, public_key,
 *   signature}, one_time_pre_keys? [{key_id, public_key}] (0..100),
 *   kyber_pre_key? {key_id, public_key, signature}} - publish the caller's
 *   prekeys (formats: lib/sc_keys.h).
 *
 * Every signature is verified with the identity key before anything is
 * stored: 400 VALIDATION_ERROR naming the field otherwise, as for any
 * malformed key. A different identity key than the stored one is a
 * re-install: the old prekeys go. The same one: the signed prekey is
 * replaced, the Kyber prekey when one is sent, one-time prekeys are added (an
 * id already stored with the same key is skipped; with another key 409 with
 * the key_id). More than KEYS_MAX_ONE_TIME unclaimed after it: 409, nothing
 * stored. 201 {one_time_keys: unclaimed count}. */
#include "sc_app.h"
#include "sc_keys.h"

#include <string.h>

static sc_keys_set set;   /* a few KiB: static, one request at a time */

static int handle(sc_req *req, sc_resp *resp)
{
	sc_keys_stored st;
	sc_verr e;
	json_object *o;

	memset(&set, 0, sizeof(set));
	if (sc_keys_parse(req->arena, req->json, 0, &set, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_keys_store(req, resp, &set, 0, &st) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "one_time_keys", json_object_new_int64(st.one_time_keys));
	sc_resp_json(resp, 201, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "keys/upload", .pattern = "/v1/keys/upload", .methods = SC_M_POST,
	.body_cap = SC_KEYS_BODY_CAP, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
