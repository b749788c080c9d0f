/* sc_jwt.c - strict HS256 access tokens: issued with libjwt 1.10, verified here. */
#include "sc_jwt.h"
#include "sc_b64.h"
#include "sc_buf.h"
#include "sc_config.h"
#include "sc_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int sc_jwt_issue(const char *user_id, const char *session_id, const char *role,
    time_t now, char **out, long *expires_in)
{
	sc_str key = sc_config_secret(SC_CFG_JWT_SECRET);
	long ttl = (long)sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS);
	char jti[SC_UUID_STRLEN + 1];
	jwt_t *j = NULL;
	int rc = -1;

	*out = NULL;
	if (key.len < 32 || jwt_new(&j) != 0)
		return -1;
	sc_uuid_v4(jti);
	if (jwt_add_grant(j, "iss", sc_config_str(SC_CFG_JWT_ISSUER)) ||
	    jwt_add_grant(j, "aud", SC_JWT_AUDIENCE) ||
	    jwt_add_grant(j, "sub", user_id) ||
	    jwt_add_grant(j, "user_id", user_id) ||
	    jwt_add_grant(j, "sid", session_id) ||
	    jwt_add_grant(j, "jti", jti) ||
	    jwt_add_grant(j, "typ", "access") ||
	    jwt_add_grant(j, "role", role) ||
	    jwt_add_grant_int(j, "iat", (long)now) ||
	    jwt_add_grant_int(j, "nbf", (long)now) ||
	    jwt_add_grant_int(j, "exp", (long)now + ttl) ||
	    jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)key.ptr, (int)key.len))
		goto out;
	*out = jwt_encode_str(j);
	if (*out != NULL) {
		rc = 0;
		if (expires_in)
			*expires_in = ttl;
	}
out:
	jwt_free(j);
	return rc;
}

/* Verification does not go through libjwt: its decode parses the header and
 * claims with jansson and fetches the HMAC from OpenSSL's providers on every
 * call, most of the cost of an authenticated request that does little else.
 * Here the signature is checked first, with an HMAC context keyed once per
 * secret and re-initialised per token, and only a genuine token is parsed
 * (json-c, after the strict RFC 8259 check of sc_json_validate). */

/* An HMAC-SHA256 context keyed with one secret, kept while the secret is the
 * same (the config is reloaded in tests; the key is compared each time). */
#define KEY_CACHED_MAX 256   /* longer secrets are used without the cache */

typedef struct {
	EVP_MAC_CTX  *ctx;
	size_t        len;
	unsigned char key[KEY_CACHED_MAX];
} keyed_mac;

static EVP_MAC  *hmac_alg;
static keyed_mac macs[2];

static int mac_of(keyed_mac *m, sc_str key, const char *data, size_t n, unsigned char *out)
{
	size_t outl = 0;

	if (key.len > sizeof(m->key)) {
		unsigned int ol = 0;
		return HMAC(EVP_sha256(), key.ptr, (int)key.len, (const unsigned char *)data, n,
		    out, &ol) != NULL && ol == 32 ? 0 : -1;
	}
	if (m->ctx == NULL || m->len != key.len || CRYPTO_memcmp(m->key, key.ptr, key.len) != 0) {
		OSSL_PARAM params[2];
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		EVP_MAC_CTX_free(m->ctx);
		m->ctx = NULL;
		if (hmac_alg == NULL && (hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
			return -1;
		if ((m->ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL)
			return -1;
		if (!EVP_MAC_init(m->ctx, (const unsigned char *)key.ptr, key.len, params)) {
			EVP_MAC_CTX_free(m->ctx);
			m->ctx = NULL;
			return -1;
		}
		memcpy(m->key, key.ptr, key.len);
		m->len = key.len;
	} else if (!EVP_MAC_init(m->ctx, NULL, 0, NULL)) {   /* same key, fresh state */
		return -1;
	}
	if (!EVP_MAC_update(m->ctx, (const unsigned char *)data, n) ||
	    !EVP_MAC_final(m->ctx, out, &outl, 32) || outl != 32)
		return -1;
	return 0;
}

/* Decode one base64url segment and parse it as a JSON object (NULL if not). */
static json_object *segment_object(const char *s, size_t n)
{
	unsigned char buf[SC_JWT_MAX_LEN];
	json_tokener *tk;
	json_object *o;
	size_t len;
	const char *why;

	if (sc_b64url_decode(s, n, buf, sizeof(buf), &len) < 0 ||
	    sc_json_validate((const char *)buf, len, &why) < 0)
		return NULL;
	if ((tk = json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tk, (const char *)buf, (int)len);
	json_tokener_free(tk);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* The claim as a string, NULL when absent or of another type. */
static const char *str_claim(json_object *o, const char *name)
{
	json_object *v;
	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* Copy a string claim that must be a UUID. */
static int uuid_claim(json_object *o, const char *name, char *out)
{
	json_object *v;
	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string) &&
	    sc_uuid_parse(json_object_get_string(v), (size_t)json_object_get_string_len(v), out) ?
	    0 : -1;
}

/* A NumericDate claim that must be a JSON integer within int64 (a fraction,
 * string, boolean, or an integer json-c keeps as uint64 above INT64_MAX is
 * not a value). */
static int int_claim(json_object *o, const char *name, long *out)
{
	json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	x = json_object_get_int64(v);
	if (x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)
		return -1;
	if (x < LONG_MIN || x > LONG_MAX)
		return -1;
	*out = (long)x;
	return 0;
}

static int check_claims(json_object *j, time_t now, sc_jwt_claims *c, const char **why)
{
	const char *s;
	long exp, nbf, iat;

	s = str_claim(j, "typ");
	if (s == NULL || strcmp(s, "access") != 0)
		return *why = "typ is not access", -1;
	s = str_claim(j, "aud");
	if (s == NULL || strcmp(s, SC_JWT_AUDIENCE) != 0)
		return *why = "wrong audience", -1;
	s = str_claim(j, "iss");
	if (s == NULL || strcmp(s, sc_config_str(SC_CFG_JWT_ISSUER)) != 0)
		return *why = "wrong issuer", -1;
	if (int_claim(j, "exp", &exp) < 0 || int_claim(j, "nbf", &nbf) < 0 ||
	    int_claim(j, "iat", &iat) < 0)
		return *why = "exp, nbf or iat missing or not an integer", -1;
	/* Written so that no sum can overflow whatever exp and nbf hold. */
	if ((long long)now - SC_JWT_LEEWAY >= (long long)exp)
		return *why = "expired", -1;
	if ((long long)nbf > (long long)now + SC_JWT_LEEWAY)
		return *why = "not valid yet", -1;
	if (uuid_claim(j, "sub", c->user_id) < 0 || uuid_claim(j, "sid", c->session_id) < 0 ||
	    uuid_claim(j, "jti", c->jti) < 0)
		return *why = "sub, sid or jti missing or not a UUID", -1;
	s = str_claim(j, "user_id");
	if (s == NULL || strcasecmp(s, c->user_id) != 0)
		return *why = "user_id does not match sub", -1;
	s = str_claim(j, "role");
	snprintf(c->role, sizeof(c->role), "%s", s && strlen(s) < sizeof(c->role) ? s : "user");
	c->iat = (time_t)iat;
	c->exp = (time_t)exp;
	return 0;
}

int sc_jwt_verify(const char *token, size_t len, time_t now, sc_jwt_claims *c,
    const char **why)
{
	sc_str keys[2] = { sc_config_secret(SC_CFG_JWT_SECRET),
	    sc_config_secret(SC_CFG_JWT_SECRET_PREVIOUS) };
	unsigned char sig[32], mac[32];
	const char *d1 = NULL, *d2 = NULL, *s;
	json_object *h, *claims;
	size_t i, siglen = 0;
	int ok = 0, rc;

	memset(c, 0, sizeof(*c));
	*why = "malformed";
	if (len == 0 || len > SC_JWT_MAX_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		char ch = token[i];
		if (ch == '.') {
			if (d1 == NULL)
				d1 = token + i;
			else if (d2 == NULL)
				d2 = token + i;
			else
				return -1;
		} else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
			return -1;
		}
	}
	if (d2 == NULL)
		return -1;
	*why = "bad signature";
	if (sc_b64url_decode(d2 + 1, (size_t)(token + len - d2 - 1), sig, sizeof(sig),
	    &siglen) < 0 || siglen != sizeof(sig))
		return -1;
	for (i = 0; i < 2 && !ok; i++) {
		/* Never a key shorter than 32 bytes (an unset previous secret). */
		if (keys[i].len < 32)
			continue;
		if (mac_of(&macs[i], keys[i], token, (size_t)(d2 - token), mac) == 0 &&
		    CRYPTO_memcmp(mac, sig, sizeof(mac)) == 0)
			ok = 1;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!ok)
		return -1;
	*why = "malformed";
	if ((h = segment_object(token, (size_t)(d1 - token))) == NULL)
		return -1;
	s = str_claim(h, "alg");
	rc = s != NULL && strcmp(s, "HS256") == 0;
	json_object_put(h);
	if (!rc)
		return *why = "alg is not HS256", -1;
	if ((claims = segment_object(d1 + 1, (size_t)(d2 - d1 - 1))) == NULL)
		return -1;
	rc = check_claims(claims, now, c, why);
	json_object_put(claims);
	if (rc < 0)
		memset(c, 0, sizeof(*c));
	return rc;
}
