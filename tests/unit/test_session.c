/* test_session.c - refresh tokens, their stored hash, the token response, and
 * marking revoked sessions in Redis (real PostgreSQL and Redis from run.sh). */
#include "t_jwt.h"
#include "t_redis.h"

#include <openssl/sha.h>

#include "t_http.h"
#include "sc_db.h"
#include "sc_jwt.h"
#include "sc_ratelimit.h"
#include "sc_session.h"

static sc_arena a;
static sc_req req;
static sc_resp resp;
static t_rendered out;

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	memset(&out, 0, sizeof(out));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_rendered_free(&out);
	memset(&out, 0, sizeof(out));
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

static int is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

/* "\x" + lower-case SHA-256 hex of s[0..n). */
static void expected_hash(const char *s, size_t n, char out_[SC_REFRESH_HASH])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;
	SHA256((const unsigned char *)s, n, md);
	out_[0] = '\\';
	out_[1] = 'x';
	for (i = 0; i < 32; i++)
		snprintf(out_ + 2 + 2 * i, 3, "%02x", md[i]);
}

static void test_refresh_token_shape(void **state)
{
	char tok[SC_REFRESH_LEN + 1], hash[SC_REFRESH_HASH], want[SC_REFRESH_HASH];
	unsigned char raw[64];
	size_t i;
	(void)state;
	memset(tok, 0x7f, sizeof(tok));
	memset(hash, 0x7f, sizeof(hash));
	sc_session_refresh_new(tok, hash);
	assert_int_equal(strlen(tok), 43);
	for (i = 0; i < 43; i++)
		assert_true(is_b64url(tok[i]));
	/* canonical base64url of exactly 32 bytes */
	assert_int_equal(t_b64url_decode(tok, 43, raw), 32);
	/* never a JWT */
	assert_null(strchr(tok, '.'));
	/* the hash is "\x" + 64 lower-case hex of SHA-256(token) */
	assert_int_equal(strlen(hash), 66);
	assert_int_equal(hash[0], '\\');
	assert_int_equal(hash[1], 'x');
	for (i = 2; i < 66; i++)
		assert_true((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f'));
	expected_hash(tok, 43, want);
	assert_string_equal(hash, want);
}

static void test_refresh_tokens_differ(void **state)
{
	char t1[SC_REFRESH_LEN + 1], t2[SC_REFRESH_LEN + 1];
	char h1[SC_REFRESH_HASH], h2[SC_REFRESH_HASH];
	int i;
	(void)state;
	sc_session_refresh_new(t1, h1);
	for (i = 0; i < 16; i++) {
		sc_session_refresh_new(t2, h2);
		assert_string_not_equal(t1, t2);
		assert_string_not_equal(h1, h2);
	}
}

static void test_refresh_hash_stable(void **state)
{
	char tok[SC_REFRESH_LEN + 1], hash[SC_REFRESH_HASH], again[SC_REFRESH_HASH];
	char want[SC_REFRESH_HASH];
	static const char fixed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234";
	(void)state;
	sc_session_refresh_new(tok, hash);
	assert_int_equal(sc_session_refresh_hash(tok, strlen(tok), again), 0);
	assert_string_equal(hash, again);
	assert_int_equal(sc_session_refresh_hash(tok, strlen(tok), again), 0);
	assert_string_equal(hash, again);
	/* a known input */
	assert_int_equal(strlen(fixed), 43);
	assert_int_equal(sc_session_refresh_hash(fixed, 43, again), 0);
	expected_hash(fixed, 43, want);
	assert_string_equal(again, want);
	/* one character different: another hash */
	tok[10] = tok[10] == 'A' ? 'B' : 'A';
	assert_int_equal(sc_session_refresh_hash(tok, strlen(tok), again), 0);
	assert_string_not_equal(hash, again);
}

static void test_refresh_hash_rejects(void **state)
{
	char tok[SC_REFRESH_LEN + 8], hash[SC_REFRESH_HASH];
	static const char bad[] = { '+', '/', '=', '.', ' ', '\0', '\n', '\x80', '%' };
	size_t i;
	(void)state;
	sc_session_refresh_new(tok, hash);
	assert_int_equal(sc_session_refresh_hash(tok, 42, hash), -1);
	assert_int_equal(sc_session_refresh_hash(tok, 0, hash), -1);
	tok[43] = 'A';
	tok[44] = '\0';
	assert_int_equal(sc_session_refresh_hash(tok, 44, hash), -1);
	tok[43] = '\0';
	for (i = 0; i < sizeof(bad); i++) {
		char was = tok[20];
		tok[20] = bad[i];
		assert_int_equal(sc_session_refresh_hash(tok, 43, hash), -1);
		tok[20] = was;
	}
	/* an access token (a JWT) is never taken for a refresh token */
	{
		char *jwt = NULL;
		assert_int_equal(sc_jwt_issue(T_USER, T_SESSION, "user", time(NULL), &jwt, NULL), 0);
		assert_int_equal(sc_session_refresh_hash(jwt, strlen(jwt), hash), -1);
		assert_int_equal(sc_session_refresh_hash(jwt, 43, hash), -1);   /* has a '.' */
		free(jwt);
	}
	assert_int_equal(sc_session_refresh_hash(tok, 43, hash), 0);
}

#define REQ(...) sc_req_init(&req, &a, (char *[]){ __VA_ARGS__, NULL })

static void test_respond_json(void **state)
{
	char tok[SC_REFRESH_LEN + 1], hash[SC_REFRESH_HASH];
	json_object *user = json_object_new_object(), *o, *data, *v;
	sc_jwt_claims c;
	const char *why, *access;
	time_t now = time(NULL);
	(void)state;
	json_object_object_add(user, "username", json_object_new_string("alice"));
	sc_session_refresh_new(tok, hash);
	REQ("REQUEST_METHOD=POST", "HTTP_X_REQUEST_ID=rid-session");
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_session_respond(&resp, 201, user, T_USER, T_SESSION, "user", tok), 0);
	assert_int_equal(resp.status, 201);
	t_render(&resp, &req, &out);
	assert_true(strncmp(out.head, "Status: 201 Created\r\n", 21) == 0);
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "success", NULL), "true");
	assert_true(json_object_object_get_ex(o, "data", &data));
	assert_string_equal(t_jstr(data, "user", "username"), "alice");
	assert_string_equal(t_jstr(data, "refresh_token", NULL), tok);
	assert_string_equal(t_jstr(data, "token_type", NULL), "Bearer");
	assert_string_equal(t_jstr(data, "session_id", NULL), T_SESSION);
	assert_true(json_object_object_get_ex(data, "expires_in", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 900);
	assert_int_equal(json_object_object_length(data), 6);
	/* the access token is a good one for this user and session */
	access = t_jstr(data, "access_token", NULL);
	assert_non_null(access);
	assert_int_equal(sc_jwt_verify(access, strlen(access), now, &c, &why), 0);
	assert_string_equal(c.user_id, T_USER);
	assert_string_equal(c.session_id, T_SESSION);
	assert_string_equal(c.role, "user");
	assert_true(c.exp >= now + 900 && c.exp <= now + 900 + 60);
	/* the refresh token is not the access token */
	assert_string_not_equal(access, tok);
	json_object_put(o);
}

static void test_respond_without_user(void **state)
{
	json_object *o, *data;
	(void)state;
	t_config_services("JWT_ACCESS_TTL_SECONDS", "120", NULL);
	REQ("REQUEST_METHOD=POST");
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_session_respond(&resp, 200, NULL, T_USER, T_SESSION, "admin",
	    "refresh-value"), 0);
	t_render(&resp, &req, &out);
	assert_true(strncmp(out.head, "Status: 200 OK\r\n", 16) == 0);
	o = t_body_json(&out);
	assert_true(json_object_object_get_ex(o, "data", &data));
	assert_false(json_object_object_get_ex(data, "user", NULL));
	assert_string_equal(t_jstr(data, "expires_in", NULL), "120");
	assert_string_equal(t_jstr(data, "refresh_token", NULL), "refresh-value");
	assert_int_equal(json_object_object_length(data), 5);
	json_object_put(o);
}

/* Without a usable secret no token can be issued: a 500, and the user object
 * handed over is released (ASan's leak check sees it otherwise). */
static void test_respond_cannot_issue(void **state)
{
	json_object *user = json_object_new_object();
	(void)state;
	json_object_object_add(user, "username", json_object_new_string("bob"));
	REQ("REQUEST_METHOD=POST");
	sc_config_reset();                     /* no JWT_SECRET at all */
	sc_resp_init(&resp, &a);
	sc_session_respond(&resp, 201, user, T_USER, T_SESSION, "user", "r");
	assert_int_equal(resp.status, 500);
	assert_null(resp.data);
}

/* Sessions revoked in PostgreSQL are marked in Redis: their access tokens
 * then fail the guard's revocation check. */
static void test_revoke_redis(void **state)
{
	sc_db *db = sc_db_new();
	sc_redis *r = sc_redis_new();
	sc_db_err err;
	PGresult *res = NULL;
	char s1[SC_UUID_STRLEN + 1], s2[SC_UUID_STRLEN + 1], s3[SC_UUID_STRLEN + 1];
	char key[80];
	const char *params[2];
	sc_rl_result rl;
	int unavail;
	long long ttl;
	(void)state;
	sc_uuid_v4(s1);
	sc_uuid_v4(s2);
	sc_uuid_v4(s3);
	params[0] = s1;
	params[1] = s2;
	if (sc_db_exec(db, &a, "SELECT 42 AS n, x::text AS session_id FROM "
	    "unnest(ARRAY[$1::uuid, $2::uuid]) AS x", 2, params, 0, &res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(PQntuples(res), 2);
	REQ("REQUEST_METHOD=POST");
	req.redis = r;
	assert_int_equal(sc_session_revoke_redis(&req, res, 1), 0);
	assert_int_equal(sc_ratelimit_check(r, "t", s1, 1, 10, s1, &rl, &unavail), 0);
	assert_int_equal(rl.status, SC_RL_REVOKED);
	assert_int_equal(sc_ratelimit_check(r, "t", s2, 1, 10, s2, &rl, &unavail), 0);
	assert_int_equal(rl.status, SC_RL_REVOKED);
	assert_int_equal(sc_ratelimit_check(r, "t", s3, 1, 10, s3, &rl, &unavail), 0);
	assert_int_equal(rl.status, SC_RL_ALLOWED);
	/* kept for as long as an access token can live (TTL + leeway) */
	snprintf(key, sizeof(key), "revoked:sid:%s", s1);
	ttl = t_redis_int(r, 2, "TTL", key);
	assert_true(ttl > 900 && ttl <= 900 + SC_JWT_LEEWAY);
	/* no rows: nothing to do */
	if (sc_db_exec(db, &a, "SELECT 'x'::text WHERE false", 0, NULL, 0, &res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(sc_session_revoke_redis(&req, res, 0), 0);
	sc_redis_free(r);
	sc_db_free(db);
}

static void test_revoke_redis_down(void **state)
{
	sc_db *db;
	sc_redis *r;
	sc_db_err err;
	PGresult *res = NULL;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, NULL);
	db = sc_db_new();
	r = sc_redis_new();
	if (sc_db_exec(db, &a, "SELECT gen_random_uuid()::text", 0, NULL, 0, &res, &err) != 0)
		fail_msg("%s", err.msg);
	REQ("REQUEST_METHOD=POST");
	req.redis = r;
	assert_int_equal(sc_session_revoke_redis(&req, res, 0), -1);
	sc_redis_free(r);
	sc_db_free(db);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_refresh_token_shape),
		T(test_refresh_tokens_differ),
		T(test_refresh_hash_stable),
		T(test_refresh_hash_rejects),
		T(test_respond_json),
		T(test_respond_without_user),
		T(test_respond_cannot_issue),
		T(test_revoke_redis),
		T(test_revoke_redis_down),
	};
	return cmocka_run_group_tests_name("sc_session", tests, NULL, NULL);
}
