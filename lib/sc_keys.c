/* sc_keys.c - prekey parsing, signature checks and the store statement. */
#include "sc_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_app.h"
#include "sc_b64.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_rand.h"
#include "sc_row.h"
#include "sc_xeddsa.h"

/* ------------------------------------------------------------------ parsing */

/* The JSON string `key` of o as base64 decoded into out (at most cap bytes);
 * 1 present, 0 absent and optional, -1 with e naming `field`. A string too
 * long for cap is reported by the caller's length rule (wrong_len). */
static int get_b64(json_object *o, const char *key, const char *field, unsigned char *out,
    size_t cap, size_t *n, const char *wrong_len, sc_verr *e)
{
	json_object *v;
	const char *s;
	size_t len;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return sc_verr_set(e, field, "is required");
	if (!json_object_is_type(v, json_type_string))
		return sc_verr_set(e, field, "must be a base64 string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len > SC_B64_LEN(cap))
		return sc_verr_set(e, field, "%s", wrong_len);
	if (sc_b64_decode(s, len, out, cap, n) < 0)
		return sc_verr_set(e, field, "must be standard base64 (A-Z a-z 0-9 + /, padding optional)");
	return 1;
}

int sc_keys_identity_parse(const char *b64, size_t n, const char *field, sc_keys_identity *out,
    sc_verr *e)
{
	static const char wrong[] = "must be a 32-byte Ed25519 public key or a 33-byte Curve25519 "
	    "public key starting with the type byte 0x05";
	unsigned char buf[SC_KEYS_EC_LEN];
	size_t len;

	if (n > SC_B64_LEN(sizeof(buf)))
		return sc_verr_set(e, field, "%s", wrong);
	if (sc_b64_decode(b64, n, buf, sizeof(buf), &len) < 0)
		return sc_verr_set(e, field, "must be standard base64 (A-Z a-z 0-9 + /, padding optional)");
	if (len == 32)
		out->kind = SC_KEYS_ED25519;
	else if (len == 33 && buf[0] == 0x05)
		out->kind = SC_KEYS_CURVE25519;
	else
		return sc_verr_set(e, field, "%s", wrong);
	memcpy(out->key, buf, len);
	out->len = len;
	return 0;
}

int sc_keys_verify(const sc_keys_identity *id, const unsigned char *msg, size_t len,
    const unsigned char sig[SC_KEYS_SIG_LEN])
{
	if (id->kind == SC_KEYS_ED25519 && id->len == 32)
		return sc_xeddsa_ed25519_verify(id->key, msg, len, sig);
	if (id->kind == SC_KEYS_CURVE25519 && id->len == 33)
		return sc_xeddsa_verify(id->key + 1, msg, len, sig);
	return 0;
}

/* An EC prekey's public key: 0x05 + 32 bytes, or 32 raw bytes when the
 * identity is Ed25519. */
static int ec_pub(json_object *o, const char *field, const sc_keys_identity *id,
    unsigned char *out, size_t *n, sc_verr *e)
{
	const char *wrong = id->kind == SC_KEYS_ED25519
	    ? "must be a 33-byte Curve25519 public key starting with the type byte 0x05, or 32 raw bytes"
	    : "must be a 33-byte Curve25519 public key starting with the type byte 0x05";
	unsigned char buf[SC_KEYS_EC_LEN];
	size_t len;

	if (get_b64(o, "public_key", field, buf, sizeof(buf), &len, wrong, e) < 0)
		return -1;
	if (!(len == 33 && buf[0] == 0x05) && !(len == 32 && id->kind == SC_KEYS_ED25519))
		return sc_verr_set(e, field, "%s", wrong);
	memcpy(out, buf, len);
	*n = len;
	return 0;
}

static const char *name(sc_arena *a, const char *obj, long idx, const char *member)
{
	return idx < 0 ? sc_arena_printf(a, "%s.%s", obj, member)
	    : sc_arena_printf(a, "%s[%ld].%s", obj, idx, member);
}

static int key_id(sc_arena *a, json_object *o, const char *obj, long idx, long long *out,
    sc_verr *e)
{
	char why[sizeof(e->msg)];
	const char *tail;

	if (sc_json_get_int(o, "key_id", SC_REQUIRED, 1, SC_KEYS_ID_MAX, out, e) >= 0)
		return 0;
	/* the getter wrote "key_id: <why>"; name the field in full */
	tail = strncmp(e->msg, "key_id: ", 8) == 0 ? e->msg + 8 : e->msg;
	snprintf(why, sizeof(why), "%s", tail);
	return sc_verr_set(e, name(a, obj, idx, "key_id"), "%s", why);
}

/* {key_id, public_key, signature} under `obj`; kyber selects the format. */
static int signed_key(sc_arena *a, json_object *body, const char *obj, int required, int kyber,
    const sc_keys_identity *id, sc_keys_signed *out, sc_verr *e)
{
	static const char kyber_wrong[] = "must be a Kyber1024 public key as libsignal serializes "
	    "it: the type byte 0x08 and 1568 bytes";
	json_object *o;
	size_t n;
	int rc = sc_json_get_object(body, obj, required, &o, e);

	if (rc <= 0)
		return rc;
	if (key_id(a, o, obj, -1, &out->key_id, e) < 0)
		return -1;
	if (kyber) {
		if (get_b64(o, "public_key", name(a, obj, -1, "public_key"), out->pub, sizeof(out->pub),
		    &out->pub_len, kyber_wrong, e) < 0)
			return -1;
		if (out->pub_len != SC_KEYS_KYBER_LEN || out->pub[0] != 0x08)
			return sc_verr_set(e, name(a, obj, -1, "public_key"), "%s", kyber_wrong);
	} else if (ec_pub(o, name(a, obj, -1, "public_key"), id, out->pub, &out->pub_len, e) < 0) {
		return -1;
	}
	if (get_b64(o, "signature", name(a, obj, -1, "signature"), out->sig, sizeof(out->sig), &n,
	    "must be a 64-byte signature", e) < 0)
		return -1;
	if (n != SC_KEYS_SIG_LEN)
		return sc_verr_set(e, name(a, obj, -1, "signature"), "must be a 64-byte signature");
	if (!sc_keys_verify(id, out->pub, out->pub_len, out->sig))
		return sc_verr_set(e, name(a, obj, -1, "signature"), "does not verify with the identity "
		    "key (%s over the public_key bytes)",
		    id->kind == SC_KEYS_ED25519 ? "Ed25519" : "XEdDSA");
	return 1;
}

static int one_time_keys(sc_arena *a, json_object *body, const char *obj,
    const sc_keys_identity *id, sc_keys_set *out, sc_verr *e)
{
	json_object *arr, *o;
	size_t i, j, n;
	int rc = sc_json_get_array(body, obj, SC_OPTIONAL, 0, SC_KEYS_PER_REQUEST, &arr, e);

	out->n_one_time = 0;
	if (rc <= 0)
		return rc;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		sc_keys_one_time *k = &out->one_time[i];
		o = json_object_array_get_idx(arr, i);
		if (o == NULL || !json_object_is_type(o, json_type_object))
			return sc_verr_set(e, sc_arena_printf(a, "%s[%zu]", obj, i),
			    "must be an object {key_id, public_key}");
		if (key_id(a, o, obj, (long)i, &k->key_id, e) < 0 ||
		    ec_pub(o, name(a, obj, (long)i, "public_key"), id, k->pub, &k->pub_len, e) < 0)
			return -1;
		/* at most 100 items: the quadratic check is cheaper than sorting */
		for (j = 0; j < i; j++)
			if (out->one_time[j].key_id == k->key_id)
				return sc_verr_set(e, name(a, obj, (long)i, "key_id"),
				    "key id %lld appears twice (also %s[%zu])", k->key_id, obj, j);
	}
	out->n_one_time = n;
	return 1;
}

int sc_keys_parse(sc_arena *a, json_object *body, int rotate, sc_keys_set *out, sc_verr *e)
{
	const char *spk = rotate ? "new_signed_pre_key" : "signed_pre_key";
	const char *kpk = rotate ? "new_kyber_pre_key" : "kyber_pre_key";
	const char *otk = rotate ? "new_one_time_keys" : "one_time_pre_keys";
	int rc;

	if (!rotate) {
		const char *s;
		size_t n;
		json_object *v;
		if (!json_object_object_get_ex(body, "identity_key", &v) || v == NULL)
			return sc_verr_set(e, "identity_key", "is required");
		if (!json_object_is_type(v, json_type_string))
			return sc_verr_set(e, "identity_key", "must be a base64 string");
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (sc_keys_identity_parse(s, n, "identity_key", &out->identity, e) < 0)
			return -1;
	}
	if (signed_key(a, body, spk, SC_REQUIRED, 0, &out->identity, &out->signed_pre_key, e) < 0)
		return -1;
	rc = signed_key(a, body, kpk, SC_OPTIONAL, 1, &out->identity, &out->kyber_pre_key, e);
	if (rc < 0)
		return -1;
	out->has_kyber = rc == 1;
	return one_time_keys(a, body, otk, &out->identity, out, e) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ storing */

/* $1 caller, $2 identity key (hex), $3..$5 signed prekey (id, key, signature;
 * hex), $6..$8 Kyber prekey or NULLs, $9 one-time key ids (bigint[]), $10
 * their keys (text[] of hex), $11 KEYS_MAX_ONE_TIME, $12 rotate. One row:
 * user_ok (the account exists), same (a row with this identity key existed),
 * clash (the smallest sent key id stored with another key, or NULL), total
 * (unclaimed one-time keys after the write), then signed and Kyber key ids
 * as stored (NULL when nothing was written).
 * Written only when the account exists, no id clashes, the total is within
 * the cap and, for rotate, the identity is still the same. A different
 * identity (re-install) deletes every one-time key and claim record of the
 * user; new ids colliding with old ones are overwritten (ON CONFLICT ... WHERE
 * NOT same), so the order in which the DELETE and INSERT of the same
 * statement run does not matter. The count is the statement's snapshot's:
 * claims running at the same time can make it a little high. */
static const char SQL_STORE[] =
    "WITH me AS (SELECT u.user_id FROM users u WHERE u.user_id = $1::uuid AND u.deleted_at IS NULL), "
    "old AS (SELECT k.identity_key = decode($2, 'hex') AS same FROM e2ee_keys k "
    "        WHERE k.user_id = $1::uuid), "
    "st AS (SELECT EXISTS (SELECT 1 FROM me) AS user_ok, "
    "              COALESCE((SELECT same FROM old), false) AS same), "
    "nk AS (SELECT t.key_id, decode(t.pub, 'hex') AS public_key "
    "       FROM unnest($9::bigint[], $10::text[]) AS t(key_id, pub)), "
    "cur AS (SELECT o.key_id, o.public_key FROM e2ee_one_time_keys o, st "
    "        WHERE o.user_id = $1::uuid AND st.same), "
    "clash AS (SELECT min(n.key_id) AS key_id FROM nk n "
    "          JOIN cur c ON c.key_id = n.key_id AND c.public_key <> n.public_key), "
    "spent AS (SELECT n.key_id FROM nk n, st WHERE st.same AND EXISTS (SELECT 1 FROM "
    "          e2ee_claimed_keys x WHERE x.user_id = $1::uuid AND x.key_id = n.key_id "
    "          AND x.public_key = n.public_key)), "
    "fresh AS (SELECT n.key_id, n.public_key FROM nk n "
    "          WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.key_id = n.key_id) "
    "            AND NOT EXISTS (SELECT 1 FROM spent WHERE spent.key_id = n.key_id)), "
    "tot AS (SELECT (SELECT count(*) FROM cur) + (SELECT count(*) FROM fresh) AS n), "
    "go AS (SELECT true AS go FROM st, tot, clash WHERE st.user_ok AND clash.key_id IS NULL "
    "       AND tot.n <= $11::int AND (NOT $12::boolean OR st.same)), "
    "up AS (INSERT INTO e2ee_keys AS k (user_id, identity_key, signed_key_id, signed_public, "
    "         signed_signature, kyber_key_id, kyber_public, kyber_signature) "
    "       SELECT $1::uuid, decode($2, 'hex'), $3::bigint, decode($4, 'hex'), decode($5, 'hex'), "
    "         $6::bigint, decode($7, 'hex'), decode($8, 'hex') FROM go "
    "       ON CONFLICT (user_id) DO UPDATE SET identity_key = EXCLUDED.identity_key, "
    "         signed_key_id = EXCLUDED.signed_key_id, signed_public = EXCLUDED.signed_public, "
    "         signed_signature = EXCLUDED.signed_signature, "
    "         kyber_key_id = CASE WHEN EXCLUDED.kyber_key_id IS NULL "
    "           AND k.identity_key = EXCLUDED.identity_key THEN k.kyber_key_id "
    "           ELSE EXCLUDED.kyber_key_id END, "
    "         kyber_public = CASE WHEN EXCLUDED.kyber_key_id IS NULL "
    "           AND k.identity_key = EXCLUDED.identity_key THEN k.kyber_public "
    "           ELSE EXCLUDED.kyber_public END, "
    "         kyber_signature = CASE WHEN EXCLUDED.kyber_key_id IS NULL "
    "           AND k.identity_key = EXCLUDED.identity_key THEN k.kyber_signature "
    "           ELSE EXCLUDED.kyber_signature END, "
    "         updated_at = now() "
    "       RETURNING k.signed_key_id, k.kyber_key_id), "
    "gone AS (DELETE FROM e2ee_one_time_keys o USING go, st "
    "         WHERE o.user_id = $1::uuid AND NOT st.same), "
    "gonex AS (DELETE FROM e2ee_claimed_keys x USING go, st WHERE x.user_id = $1::uuid "
    "          AND (NOT st.same OR x.claimed_at < now() - interval '30 days')), "
    "ins AS (INSERT INTO e2ee_one_time_keys AS o (user_id, key_id, public_key) "
    "        SELECT $1::uuid, f.key_id, f.public_key FROM fresh f, go "
    "        ON CONFLICT (user_id, key_id) DO UPDATE SET public_key = EXCLUDED.public_key, "
    "          created_at = now() WHERE NOT (SELECT same FROM st)) "
    "SELECT st.user_ok, st.same, clash.key_id, tot.n, up.signed_key_id, up.kyber_key_id "
    "FROM st CROSS JOIN clash CROSS JOIN tot LEFT JOIN up ON true";

static char *hex(sc_arena *a, const unsigned char *p, size_t n)
{
	char *s = sc_arena_alloc(a, 2 * n + 1);
	sc_hex_encode(p, n, s);
	return s;
}

static long long cell_ll(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? 0 : strtoll(PQgetvalue(res, 0, col), NULL, 10);
}

int sc_keys_store(sc_req *req, sc_resp *resp, const sc_keys_set *s, int rotate,
    sc_keys_stored *out)
{
	/* "{" + 100 * ("4294967295," | "<66 hex>,") + "}" */
	char ids[SC_KEYS_PER_REQUEST * 11 + 3], max[24];
	char *pubs = sc_arena_alloc(req->arena, SC_KEYS_PER_REQUEST * (2 * SC_KEYS_EC_LEN + 1) + 3);
	char sid[24], kid[24];
	const char *p[12];
	size_t i, io = 0, po = 0;
	PGresult *res;
	sc_db_err err;

	ids[io++] = '{';
	pubs[po++] = '{';
	for (i = 0; i < s->n_one_time; i++) {
		const sc_keys_one_time *k = &s->one_time[i];
		int w = snprintf(ids + io, sizeof(ids) - io, "%s%lld", i ? "," : "", k->key_id);
		if (w < 0 || (size_t)w >= sizeof(ids) - io)
			return sc_resp_fail(resp, "keys: id list overflow");
		io += (size_t)w;
		if (i)
			pubs[po++] = ',';
		sc_hex_encode(k->pub, k->pub_len, pubs + po);
		po += 2 * k->pub_len;
	}
	ids[io++] = '}';
	ids[io] = '\0';
	pubs[po++] = '}';
	pubs[po] = '\0';
	if (snprintf(sid, sizeof(sid), "%lld", s->signed_pre_key.key_id) >= (int)sizeof(sid) ||
	    snprintf(kid, sizeof(kid), "%lld", s->kyber_pre_key.key_id) >= (int)sizeof(kid) ||
	    snprintf(max, sizeof(max), "%lld", sc_config_int(SC_CFG_KEYS_MAX_ONE_TIME)) >= (int)sizeof(max))
		return sc_resp_fail(resp, "keys: number overflow");
	p[0] = req->user.user_id;
	p[1] = hex(req->arena, s->identity.key, s->identity.len);
	p[2] = sid;
	p[3] = hex(req->arena, s->signed_pre_key.pub, s->signed_pre_key.pub_len);
	p[4] = hex(req->arena, s->signed_pre_key.sig, SC_KEYS_SIG_LEN);
	p[5] = s->has_kyber ? kid : NULL;
	p[6] = s->has_kyber ? hex(req->arena, s->kyber_pre_key.pub, s->kyber_pre_key.pub_len) : NULL;
	p[7] = s->has_kyber ? hex(req->arena, s->kyber_pre_key.sig, SC_KEYS_SIG_LEN) : NULL;
	p[8] = ids;
	p[9] = pubs;
	p[10] = max;
	p[11] = rotate ? "true" : "false";
	if (sc_db_exec(req->db, req->arena, SQL_STORE, 12, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "keys: store returned no row");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 404, "account not found");
	if (rotate && !sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 409, "the identity key changed while rotating; fetch the "
		    "count and try again");
	if (!PQgetisnull(res, 0, 2))
		return sc_resp_error_with(resp, 409, "a one-time prekey with this key id is stored "
		    "with another public key", "key_id", PQgetvalue(res, 0, 2));
	out->one_time_keys = cell_ll(res, 3);
	if (PQgetisnull(res, 0, 4)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "at most %lld unclaimed one-time prekeys may be stored; "
		    "this would make %lld", sc_config_int(SC_CFG_KEYS_MAX_ONE_TIME), out->one_time_keys);
		return sc_resp_error(resp, 409, msg);
	}
	out->signed_key_id = cell_ll(res, 4);
	out->kyber_key_id = cell_ll(res, 5);
	return 0;
}
