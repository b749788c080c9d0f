/* test_jwt.c - strict HS256 access tokens: issue, verify, and every refusal.
 *
 * Tokens are made by hand (t_jwt.h) so each test changes exactly one thing in
 * a token that otherwise verifies (test_handmade_token_verifies is the
 * control). sc_jwt_verify takes the clock as an argument: no timing here. */
#include "t_jwt.h"

#include <errno.h>
#include <stdint.h>

#include "sc_jwt.h"
#include "sc_uuid.h"

#define OTHER_SECRET "fedcba9876543210fedcba9876543210"
#define THIRD_SECRET "zyxwvutsrqponmlkjihgfedcba987654"

static int setup(void **state)
{
	(void)state;
	t_config(NULL);
	t_quiet_log();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_env_clear();
	return 0;
}

static int verify_at(const char *tok, time_t now, sc_jwt_claims *c)
{
	const char *why = NULL;
	int rc = sc_jwt_verify(tok, strlen(tok), now, c, &why);
	if (rc != 0)
		assert_non_null(why);
	return rc;
}

static int verify(const char *tok)
{
	sc_jwt_claims c;
	return verify_at(tok, T_NOW, &c);
}

/* Sign claims (consumed) with the configured secret and expect a refusal. */
static void expect_reject(json_object *claims)
{
	char *tok = t_jwt_sign(claims, T_SECRET);
	sc_jwt_claims c;
	const char *why = NULL;
	memset(&c, 0x5a, sizeof(c));
	if (sc_jwt_verify(tok, strlen(tok), T_NOW, &c, &why) != -1)
		fail_msg("accepted: %s", tok);
	assert_non_null(why);
	free(tok);
}

static void expect_accept(json_object *claims)
{
	char *tok = t_jwt_sign(claims, T_SECRET);
	if (verify(tok) != 0)
		fail_msg("refused: %s", tok);
	free(tok);
}

/* ---- issue / verify ---- */

static void test_issue_verify_round_trip(void **state)
{
	char *tok = NULL, *tok2 = NULL;
	long expires_in = 0;
	sc_jwt_claims c, c2;
	const char *why = "untouched";
	(void)state;
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "admin", T_NOW, &tok, &expires_in), 0);
	assert_non_null(tok);
	assert_int_equal(expires_in, 900);
	assert_int_equal(sc_jwt_verify(tok, strlen(tok), T_NOW, &c, &why), 0);
	assert_string_equal(c.user_id, T_USER);
	assert_string_equal(c.session_id, T_SESSION);
	assert_string_equal(c.role, "admin");
	assert_int_equal(c.iat, T_NOW);
	assert_int_equal(c.exp, T_NOW + 900);
	assert_true(sc_uuid_parse(c.jti, strlen(c.jti), NULL));
	/* a fresh jti every time */
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "admin", T_NOW, &tok2, NULL), 0);
	assert_int_equal(sc_jwt_verify(tok2, strlen(tok2), T_NOW, &c2, &why), 0);
	assert_string_not_equal(c.jti, c2.jti);
	free(tok);
	free(tok2);
}

/* The issued payload carries exactly the claims the verifier demands. */
static void test_issued_payload_claims(void **state)
{
	char *tok = NULL, *p, *q;
	unsigned char raw[2048];
	long n;
	json_object *o, *v;
	(void)state;
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "user", T_NOW, &tok, NULL), 0);
	p = strchr(tok, '.');
	assert_non_null(p);
	q = strchr(p + 1, '.');
	assert_non_null(q);
	n = t_b64url_decode(tok, (size_t)(p - tok), raw);
	assert_true(n > 0);
	raw[n] = '\0';
	o = json_tokener_parse((const char *)raw);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "alg", &v));
	assert_string_equal(json_object_get_string(v), "HS256");
	json_object_put(o);
	n = t_b64url_decode(p + 1, (size_t)(q - p - 1), raw);
	assert_true(n > 0);
	raw[n] = '\0';
	o = json_tokener_parse((const char *)raw);
	assert_non_null(o);
#define STR(k, want) do { assert_true(json_object_object_get_ex(o, k, &v)); \
		assert_true(json_object_is_type(v, json_type_string)); \
		assert_string_equal(json_object_get_string(v), want); } while (0)
#define INT(k, want) do { assert_true(json_object_object_get_ex(o, k, &v)); \
		assert_true(json_object_is_type(v, json_type_int)); \
		assert_int_equal(json_object_get_int64(v), want); } while (0)
	STR("iss", "secureconnect");
	STR("aud", "secureconnect-api");
	STR("sub", T_USER);
	STR("user_id", T_USER);
	STR("sid", T_SESSION);
	STR("typ", "access");
	STR("role", "user");
	INT("iat", T_NOW);
	INT("nbf", T_NOW);
	INT("exp", T_NOW + 900);
#undef STR
#undef INT
	json_object_put(o);
	free(tok);
}

static void test_issue_ttl_and_issuer_from_config(void **state)
{
	char *tok = NULL;
	long expires_in = 0;
	sc_jwt_claims c;
	const char *why;
	(void)state;
	t_config("JWT_ACCESS_TTL_SECONDS", "60", "JWT_ISSUER", "issuer-two", NULL);
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "user", T_NOW, &tok, &expires_in), 0);
	assert_int_equal(expires_in, 60);
	assert_int_equal(sc_jwt_verify(tok, strlen(tok), T_NOW, &c, &why), 0);
	assert_int_equal(c.exp, T_NOW + 60);
	/* the default issuer does not accept it */
	t_config(NULL);
	assert_int_equal(sc_jwt_verify(tok, strlen(tok), T_NOW, &c, &why), -1);
	free(tok);
}

/* An issued token is good until exp + leeway, and not after. */
static void test_issued_token_expiry(void **state)
{
	char *tok = NULL;
	sc_jwt_claims c;
	(void)state;
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "user", T_NOW, &tok, NULL), 0);
	assert_int_equal(verify_at(tok, T_NOW + 900 + SC_JWT_LEEWAY - 1, &c), 0);
	assert_int_equal(verify_at(tok, T_NOW + 900 + SC_JWT_LEEWAY, &c), -1);
	assert_int_equal(verify_at(tok, T_NOW + 100000, &c), -1);
	/* issued "now" is usable within the leeway before now (clock skew) */
	assert_int_equal(verify_at(tok, T_NOW - SC_JWT_LEEWAY, &c), 0);
	assert_int_equal(verify_at(tok, T_NOW - SC_JWT_LEEWAY - 1, &c), -1);
	free(tok);
}

static void test_handmade_token_verifies(void **state)
{
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	sc_jwt_claims c;
	(void)state;
	assert_int_equal(verify_at(tok, T_NOW, &c), 0);
	assert_string_equal(c.user_id, T_USER);
	assert_string_equal(c.session_id, T_SESSION);
	assert_string_equal(c.jti, T_JTI);
	assert_string_equal(c.role, "user");
	assert_int_equal(c.iat, T_NOW);
	assert_int_equal(c.exp, T_NOW + 900);
	free(tok);
}

/* verify reads token[0..len) only. */
static void test_verify_uses_len(void **state)
{
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	size_t n = strlen(tok);
	char *buf = malloc(n + 8);
	sc_jwt_claims c;
	const char *why;
	(void)state;
	memcpy(buf, tok, n);
	memcpy(buf + n, "+junk=!", 8);
	assert_int_equal(sc_jwt_verify(buf, n, T_NOW, &c, &why), 0);
	assert_int_equal(sc_jwt_verify(buf, n + 1, T_NOW, &c, &why), -1);
	assert_int_equal(sc_jwt_verify(buf, n - 1, T_NOW, &c, &why), -1);
	assert_int_equal(sc_jwt_verify(buf, 0, T_NOW, &c, &why), -1);
	free(buf);
	free(tok);
}

/* ---- key rotation ---- */

static void test_rotation_previous_secret(void **state)
{
	char *old = t_jwt_sign(t_claims(), OTHER_SECRET);
	char *cur = t_jwt_sign(t_claims(), T_SECRET);
	char *third = t_jwt_sign(t_claims(), THIRD_SECRET);
	char *issued = NULL;
	sc_jwt_claims c;
	(void)state;
	/* only JWT_SECRET: the old key's token fails */
	assert_int_equal(verify(old), -1);
	assert_int_equal(verify(cur), 0);
	/* rotation: both verify, a third key still does not */
	t_config("JWT_SECRET_PREVIOUS", OTHER_SECRET, NULL);
	assert_int_equal(verify_at(old, T_NOW, &c), 0);
	assert_string_equal(c.user_id, T_USER);
	assert_int_equal(verify(cur), 0);
	assert_int_equal(verify(third), -1);
	/* new tokens are signed with JWT_SECRET, not the previous one */
	assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "user", T_NOW, &issued, NULL), 0);
	t_config(NULL);
	assert_int_equal(verify(issued), 0);
	/* JWT_SECRET now the old key, previous some other: the T_SECRET token fails */
	t_env_clear();
	setenv("JWT_SECRET", OTHER_SECRET, 1);
	setenv("JWT_SECRET_PREVIOUS", THIRD_SECRET, 1);
	{
		const char *err = NULL;
		if (sc_config_load(&err) != 0)
			fail_msg("%s", err);
	}
	assert_int_equal(verify(cur), -1);
	assert_int_equal(verify(old), 0);
	assert_int_equal(verify(third), 0);
	free(old);
	free(cur);
	free(third);
	free(issued);
}

/* A token under the previous key is checked as strictly as under the current. */
static void test_rotation_previous_still_strict(void **state)
{
	char *tok = t_jwt_sign(t_set(t_claims(), "exp", json_object_new_int64(T_NOW - 3600)),
	    OTHER_SECRET);
	(void)state;
	t_config("JWT_SECRET_PREVIOUS", OTHER_SECRET, NULL);
	assert_int_equal(verify(tok), -1);
	free(tok);
}

/* ---- signature and algorithm ---- */

static void test_tampered_payload(void **state)
{
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	char *good = t_jwt_sign(t_set(t_claims(), "role", json_object_new_string("admin")),
	    T_SECRET);
	char *p = strchr(tok, '.'), *sig = strrchr(tok, '.'), *mix;
	size_t i;
	(void)state;
	assert_int_equal(verify(tok), 0);
	/* every single-character change in the payload is caught */
	for (i = (size_t)(p - tok) + 1; i < (size_t)(sig - tok); i += 7) {
		char was = tok[i];
		tok[i] = was == 'A' ? 'B' : 'A';
		assert_int_equal(verify(tok), -1);
		tok[i] = was;
	}
	/* a valid payload (role admin) with the signature of another payload */
	mix = malloc(strlen(good) + strlen(tok));
	{
		char *gs = strrchr(good, '.');
		memcpy(mix, good, (size_t)(gs - good));
		strcpy(mix + (gs - good), sig);
	}
	assert_int_equal(verify(mix), -1);
	free(mix);
	free(good);
	free(tok);
}

static void test_tampered_signature(void **state)
{
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	char *wrong = t_jwt_sign(t_claims(), OTHER_SECRET);
	char *sig = strrchr(tok, '.') + 1;
	size_t i, n = strlen(sig);
	(void)state;
	assert_int_equal(n, 43);
	for (i = 0; i < n - 1; i += 5) {
		char was = sig[i];
		sig[i] = was == 'x' ? 'y' : 'x';
		assert_int_equal(verify(tok), -1);
		sig[i] = was;
	}
	assert_int_equal(verify(tok), 0);
	/* signature cut short, and signed with the wrong key */
	sig[n - 1] = '\0';
	assert_int_equal(verify(tok), -1);
	assert_int_equal(verify(wrong), -1);
	free(tok);
	free(wrong);
}

static void test_alg_none(void **state)
{
	const char *payload;
	json_object *cl = t_claims();
	static const char *const headers[] = {
		"{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}",
		"{\"alg\":\"None\",\"typ\":\"JWT\"}", "{\"alg\":\"NONE\"}",
	};
	size_t i;
	(void)state;
	payload = json_object_to_json_string_ext(cl, JSON_C_TO_STRING_PLAIN);
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char *t = t_jwt_raw(headers[i], payload, NULL, NULL);   /* "h.p." */
		size_t n = strlen(t);
		char *hs;
		assert_int_equal(t[n - 1], '.');
		assert_int_equal(verify(t), -1);
		t[n - 1] = '\0';                                           /* "h.p" */
		assert_int_equal(verify(t), -1);
		free(t);
		/* alg none with a real HS256 signature part */
		hs = t_jwt_raw(headers[i], payload, EVP_sha256(), T_SECRET);
		assert_int_equal(verify(hs), -1);
		free(hs);
	}
	json_object_put(cl);
}

static void test_other_hmac_algs(void **state)
{
	json_object *cl = t_claims();
	const char *payload = json_object_to_json_string_ext(cl, JSON_C_TO_STRING_PLAIN);
	char *t;
	(void)state;
	t = t_jwt_raw("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload, EVP_sha512(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	t = t_jwt_raw("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", payload, EVP_sha384(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	/* HS256 header with a SHA-512 MAC, and no alg at all */
	t = t_jwt_raw(T_HS256_HEADER, payload, EVP_sha512(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	t = t_jwt_raw("{\"typ\":\"JWT\"}", payload, EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	/* control: the same payload as HS256 verifies */
	t = t_jwt_raw(T_HS256_HEADER, payload, EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), 0);
	free(t);
	json_object_put(cl);
}

/* ---- time claims ---- */

static void test_expired(void **state)
{
	(void)state;
	/* exp + leeway == now: expired; one second later than that: still good */
	expect_reject(t_set(t_claims(), "exp", json_object_new_int64(T_NOW - SC_JWT_LEEWAY)));
	expect_accept(t_set(t_claims(), "exp", json_object_new_int64(T_NOW - SC_JWT_LEEWAY + 1)));
	expect_reject(t_set(t_claims(), "exp", json_object_new_int64(T_NOW - 3600)));
	expect_reject(t_set(t_claims(), "exp", json_object_new_int64(0)));
	expect_reject(t_set(t_claims(), "exp", json_object_new_int64(-1)));
}

static void test_not_before(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "nbf", json_object_new_int64(T_NOW + SC_JWT_LEEWAY + 1)));
	expect_accept(t_set(t_claims(), "nbf", json_object_new_int64(T_NOW + SC_JWT_LEEWAY)));
	expect_reject(t_set(t_claims(), "nbf", json_object_new_int64(T_NOW + 86400)));
}

static void test_missing_time_claims(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "exp", NULL));
	expect_reject(t_set(t_claims(), "nbf", NULL));
	expect_reject(t_set(t_claims(), "iat", NULL));
	expect_reject(t_set(t_claims(), "exp", json_object_new_null()));
}

/* NumericDate claims that are not integers. libjwt 1.10's jwt_get_grant_int
 * returns -1 with errno EINVAL (not ENOENT) for a claim of another JSON type,
 * so a wrong-typed claim reads as the time -1. For exp that is "expired". */
static void test_exp_wrong_type(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "exp", json_object_new_string("9999999999")));
	expect_reject(t_set(t_claims(), "exp", json_object_new_double(9999999999.5)));
	expect_reject(t_set(t_claims(), "exp", json_object_new_boolean(1)));
}

/* A not-before far in the future must keep the token out whatever its JSON
 * type (RFC 7519 allows non-integer NumericDates); a string or boolean nbf is
 * not a valid token at all. */
static void test_nbf_wrong_type(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "nbf", json_object_new_string("9999999999")));
	expect_reject(t_set(t_claims(), "nbf", json_object_new_double(9999999999.5)));
	expect_reject(t_set(t_claims(), "nbf", json_object_new_boolean(1)));
}

/* iat must be a NumericDate, not any JSON value. */
static void test_iat_wrong_type(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "iat", json_object_new_string("yesterday")));
	expect_reject(t_set(t_claims(), "iat", json_object_new_boolean(1)));
}

/* exp at the end of the 64-bit range: the leeway must not overflow (UB). A
 * token whose exp is in the far future is, by its claims, not expired. */
static void test_exp_far_future_no_overflow(void **state)
{
	(void)state;
	expect_accept(t_set(t_claims(), "exp", json_object_new_int64(INT64_MAX)));
	expect_accept(t_set(t_claims(), "exp", json_object_new_int64(INT64_MAX - SC_JWT_LEEWAY + 1)));
}

/* ---- audience, issuer, type ---- */

static void test_audience(void **state)
{
	json_object *arr = json_object_new_array();
	(void)state;
	json_object_array_add(arr, json_object_new_string(SC_JWT_AUDIENCE));
	expect_reject(t_set(t_claims(), "aud", json_object_new_string("other-api")));
	expect_reject(t_set(t_claims(), "aud", json_object_new_string("secureconnect-api ")));
	expect_reject(t_set(t_claims(), "aud", json_object_new_string("")));
	expect_reject(t_set(t_claims(), "aud", NULL));
	expect_reject(t_set(t_claims(), "aud", arr));
}

static void test_issuer(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "iss", json_object_new_string("evil")));
	expect_reject(t_set(t_claims(), "iss", json_object_new_string("SecureConnect")));
	expect_reject(t_set(t_claims(), "iss", NULL));
	t_config("JWT_ISSUER", "evil", NULL);
	expect_accept(t_set(t_claims(), "iss", json_object_new_string("evil")));
	expect_reject(t_claims());
}

static void test_typ(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "typ", NULL));
	expect_reject(t_set(t_claims(), "typ", json_object_new_string("refresh")));
	expect_reject(t_set(t_claims(), "typ", json_object_new_string("Access")));
	expect_reject(t_set(t_claims(), "typ", json_object_new_string("")));
}

/* ---- subject, session, token id ---- */

static void test_sub_and_user_id(void **state)
{
	(void)state;
	expect_reject(t_set(t_set(t_claims(), "sub", json_object_new_string("alice")), "user_id",
	    json_object_new_string("alice")));
	expect_reject(t_set(t_claims(), "sub", json_object_new_string("not-a-uuid")));
	expect_reject(t_set(t_claims(), "sub", json_object_new_string("{" T_USER "}")));
	expect_reject(t_set(t_claims(), "sub", json_object_new_string(T_USER "0")));
	expect_reject(t_set(t_claims(), "sub", json_object_new_int(42)));
	expect_reject(t_set(t_claims(), "sub", NULL));
	expect_reject(t_set(t_claims(), "user_id", json_object_new_string(T_SESSION)));
	expect_reject(t_set(t_claims(), "user_id", NULL));
	expect_reject(t_set(t_claims(), "user_id", json_object_new_string("")));
}

/* UUIDs compare without regard to case, and come out in lower case. */
static void test_uuid_case(void **state)
{
	char *tok = t_jwt_sign(t_set(t_set(t_claims(), "sub",
	    json_object_new_string("6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B")), "sid",
	    json_object_new_string("0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3")), T_SECRET);
	sc_jwt_claims c;
	(void)state;
	assert_int_equal(verify_at(tok, T_NOW, &c), 0);
	assert_string_equal(c.user_id, T_USER);
	assert_string_equal(c.session_id, T_SESSION);
	free(tok);
}

static void test_sid_and_jti(void **state)
{
	(void)state;
	expect_reject(t_set(t_claims(), "sid", NULL));
	expect_reject(t_set(t_claims(), "sid", json_object_new_string("session-1")));
	expect_reject(t_set(t_claims(), "jti", NULL));
	expect_reject(t_set(t_claims(), "jti", json_object_new_string("abc")));
}

static void test_role(void **state)
{
	char *tok;
	sc_jwt_claims c;
	(void)state;
	tok = t_jwt_sign(t_set(t_claims(), "role", json_object_new_string("moderator")), T_SECRET);
	assert_int_equal(verify_at(tok, T_NOW, &c), 0);
	assert_string_equal(c.role, "moderator");
	free(tok);
	/* missing, or too long for the claims struct: plain "user" */
	tok = t_jwt_sign(t_set(t_claims(), "role", NULL), T_SECRET);
	assert_int_equal(verify_at(tok, T_NOW, &c), 0);
	assert_string_equal(c.role, "user");
	free(tok);
	tok = t_jwt_sign(t_set(t_claims(), "role", json_object_new_string("administrator-xyz")),
	    T_SECRET);
	assert_int_equal(verify_at(tok, T_NOW, &c), 0);
	assert_string_equal(c.role, "user");
	free(tok);
}

/* ---- shape ---- */

static void test_segment_count(void **state)
{
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	size_t n = strlen(tok);
	char *buf = malloc(n + 16);
	char *last;
	(void)state;
	strcpy(buf, tok);
	assert_int_equal(verify(buf), 0);
	/* four segments */
	strcat(buf, ".AAAA");
	assert_int_equal(verify(buf), -1);
	strcpy(buf, tok);
	strcat(buf, ".");
	assert_int_equal(verify(buf), -1);
	/* two segments: header.payload */
	strcpy(buf, tok);
	last = strrchr(buf, '.');
	*last = '\0';
	assert_int_equal(verify(buf), -1);
	/* two segments: payload.signature */
	assert_int_equal(verify(strchr(tok, '.') + 1), -1);
	/* one segment, and dots alone */
	assert_int_equal(verify("abc"), -1);
	assert_int_equal(verify(".."), -1);
	assert_int_equal(verify("..."), -1);
	free(buf);
	free(tok);
}

/* Tokens up to SC_JWT_MAX_LEN verify; longer ones are refused before any
 * decoding, even when correctly signed. */
static void test_length_limit(void **state)
{
	char pad[4096];
	size_t k, below = 0, above = 0;
	(void)state;
	for (k = 2400; k < 3200 && above == 0; k++) {
		char *tok;
		size_t n;
		memset(pad, 'p', k);
		pad[k] = '\0';
		tok = t_jwt_sign(t_set(t_claims(), "pad", json_object_new_string(pad)), T_SECRET);
		n = strlen(tok);
		if (n <= SC_JWT_MAX_LEN) {
			assert_int_equal(verify(tok), 0);
			below = n;
		} else {
			assert_int_equal(verify(tok), -1);
			above = n;
		}
		free(tok);
	}
	assert_true(below >= SC_JWT_MAX_LEN - 2);
	assert_true(above > SC_JWT_MAX_LEN);
}

static void test_characters_outside_base64url(void **state)
{
	static const char bad[] = { '+', '/', '=', ' ', '\t', '\n', '%', '*', '~', '\x80', '\xff' };
	char *tok = t_jwt_sign(t_claims(), T_SECRET);
	size_t n = strlen(tok), i;
	char *buf = malloc(n + 4);
	(void)state;
	for (i = 0; i < sizeof(bad); i++) {
		/* replaced inside the payload ... */
		strcpy(buf, tok);
		buf[n / 2] = bad[i];
		assert_int_equal(verify(buf), -1);
		/* ... or appended as padding/garbage */
		strcpy(buf, tok);
		buf[n] = bad[i];
		buf[n + 1] = '\0';
		assert_int_equal(verify(buf), -1);
	}
	/* an embedded NUL inside len */
	strcpy(buf, tok);
	buf[n / 2] = '\0';
	{
		sc_jwt_claims c;
		const char *why;
		assert_int_equal(sc_jwt_verify(buf, n, T_NOW, &c, &why), -1);
	}
	/* "==" padding on the signature */
	strcpy(buf, tok);
	strcat(buf, "=");
	assert_int_equal(verify(buf), -1);
	free(buf);
	free(tok);
}

/* Garbage that is base64url-shaped: not JSON, JSON but not an object. */
static void test_not_json(void **state)
{
	char *t;
	(void)state;
	t = t_jwt_raw(T_HS256_HEADER, "not json", EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	t = t_jwt_raw(T_HS256_HEADER, "[1,2,3]", EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	t = t_jwt_raw("not json", "{}", EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
	t = t_jwt_raw(T_HS256_HEADER, "{}", EVP_sha256(), T_SECRET);
	assert_int_equal(verify(t), -1);
	free(t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_issue_verify_round_trip),
		T(test_issued_payload_claims),
		T(test_issue_ttl_and_issuer_from_config),
		T(test_issued_token_expiry),
		T(test_handmade_token_verifies),
		T(test_verify_uses_len),
		T(test_rotation_previous_secret),
		T(test_rotation_previous_still_strict),
		T(test_tampered_payload),
		T(test_tampered_signature),
		T(test_alg_none),
		T(test_other_hmac_algs),
		T(test_expired),
		T(test_not_before),
		T(test_missing_time_claims),
		T(test_exp_wrong_type),
		T(test_nbf_wrong_type),
		T(test_iat_wrong_type),
		T(test_audience),
		T(test_issuer),
		T(test_typ),
		T(test_sub_and_user_id),
		T(test_uuid_case),
		T(test_sid_and_jti),
		T(test_role),
		T(test_segment_count),
		T(test_length_limit),
		T(test_characters_outside_base64url),
		T(test_not_json),
		/* last: under UBSan (-fno-sanitize-recover) its overflow aborts the binary */
		T(test_exp_far_future_no_overflow),
	};
	return cmocka_run_group_tests_name("sc_jwt", tests, NULL, NULL);
}
