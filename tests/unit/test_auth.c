/* test_auth.c - the per-request guard: bearer parsing, token check,
 * revocation, rate limits, and failing closed without Redis (real Redis from
 * run.sh). Every test uses fresh user/session ids and client addresses. */
#include "t_jwt.h"
#include "t_redis.h"

#include "t_http.h"
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_jwt.h"
#include "sc_rand.h"
#include "sc_ratelimit.h"

static sc_arena a;
static sc_req req;
static sc_resp resp;
static t_rendered out;
static sc_redis *r;
static char env[8][4200];

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	memset(&out, 0, sizeof(out));
	r = sc_redis_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_rendered_free(&out);
	memset(&out, 0, sizeof(out));
	sc_redis_free(r);
	r = NULL;
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

/* A request with an optional Authorization header (NULL: none) from addr. */
static void make_req(const char *authorization, const char *addr)
{
	static char *envp[8];
	int n = 0;
	snprintf(env[n], sizeof(env[n]), "REQUEST_METHOD=GET");
	envp[n] = env[n];
	n++;
	snprintf(env[n], sizeof(env[n]), "REQUEST_URI=/api/v1/me");
	envp[n] = env[n];
	n++;
	snprintf(env[n], sizeof(env[n]), "REMOTE_ADDR=%s", addr ? addr : "127.0.0.1");
	envp[n] = env[n];
	n++;
	if (authorization != NULL) {
		snprintf(env[n], sizeof(env[n]), "HTTP_AUTHORIZATION=%s", authorization);
		envp[n] = env[n];
		n++;
	}
	envp[n] = NULL;
	sc_req_init(&req, &a, envp);
	req.redis = r;
	sc_resp_init(&resp, &a);
}

static void render(void)
{
	t_rendered_free(&out);
	t_render(&resp, &req, &out);
}

/* The guard let the request through: nothing is answered yet (the response
 * is still the initial 500 without an error), and the handler answers 200. */
static void render_passed(void)
{
	assert_int_equal(resp.status, 500);
	assert_null(resp.err_msg);
	assert_null(resp.data);
	sc_resp_json(&resp, 200, NULL);
	render();
}

/* A fresh access token for new user and session ids (copied out). */
static char *fresh_token(char *user, char *session)
{
	char *tok = NULL;
	sc_uuid_v4(user);
	sc_uuid_v4(session);
	assert_int_equal(sc_jwt_issue(user, session, "user", time(NULL), &tok, NULL), 0);
	return tok;
}

static char *bearer(const char *tok)
{
	char *h = malloc(strlen(tok) + 8);
	sprintf(h, "Bearer %s", tok);
	return h;
}

/* ---- sc_auth_bearer ---- */

static void expect_bearer(const char *header, const char *want)
{
	size_t len = 12345;
	const char *t;
	make_req(header, NULL);
	t = sc_auth_bearer(&req, &len);
	if (want == NULL) {
		if (t != NULL)
			fail_msg("\"%s\" gave a token", header ? header : "(none)");
		return;
	}
	if (t == NULL)
		fail_msg("\"%s\" gave no token", header);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(t, want, len);
}

static void test_bearer_parsing(void **state)
{
	(void)state;
	expect_bearer("Bearer abc.def.ghi", "abc.def.ghi");
	expect_bearer("bearer abc", "abc");
	expect_bearer("BEARER abc", "abc");
	expect_bearer("bEaReR abc", "abc");
	expect_bearer("Bearer    abc", "abc");
	expect_bearer("Bearer abc   ", "abc");
	expect_bearer("Bearer   abc  ", "abc");
	expect_bearer(NULL, NULL);
	expect_bearer("", NULL);
	expect_bearer("Bearer", NULL);
	expect_bearer("Bearer ", NULL);
	expect_bearer("Bearer      ", NULL);
	expect_bearer("Bearerabc", NULL);
	expect_bearer("Basic dXNlcjpwYXNzd29yZA==", NULL);
	expect_bearer("Token abc", NULL);
	expect_bearer("Bear abc", NULL);
}

/* ---- the guard ---- */

static void test_guard_valid_token(void **state)
{
	char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
	char *tok = fresh_token(user, sid), *h = bearer(tok);
	(void)state;
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH | SC_EP_JSON, &req, &resp), 1);
	assert_int_equal(req.authed, 1);
	assert_string_equal(req.user.user_id, user);
	assert_string_equal(req.user.session_id, sid);
	assert_string_equal(req.user.role, "user");
	render_passed();
	assert_string_equal(t_header(&out, "RateLimit-Limit"), "100");
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "99");
	assert_non_null(t_header(&out, "RateLimit-Reset"));
	assert_null(t_header(&out, "Retry-After"));
	assert_null(t_header(&out, "WWW-Authenticate"));
	free(h);
	free(tok);
}

static void expect_401(const char *authorization)
{
	make_req(authorization, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 0);
	assert_int_equal(req.authed, 0);
	assert_int_equal(resp.status, 401);
	render();
	assert_string_equal(t_header(&out, "WWW-Authenticate"), "Bearer realm=\"secureconnect\"");
	assert_true(strncmp(out.head, "Status: 401 ", 12) == 0);
}

static void test_guard_refuses_bad_tokens(void **state)
{
	char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
	char *tok, *h, *expired = NULL, *other;
	(void)state;
	expect_401(NULL);
	expect_401("Basic dXNlcjpwYXNzd29yZA==");
	expect_401("Bearer ");
	expect_401("Bearer not-a-token");
	/* a good token, damaged */
	tok = fresh_token(user, sid);
	tok[strlen(tok) - 3] ^= 1;
	h = bearer(tok);
	expect_401(h);
	free(h);
	free(tok);
	/* expired long ago */
	sc_uuid_v4(user);
	assert_int_equal(sc_jwt_issue(user, sid, "user", time(NULL) - 3600, &expired, NULL), 0);
	h = bearer(expired);
	expect_401(h);
	free(h);
	free(expired);
	/* signed with another key */
	other = t_jwt_sign(t_claims(), "fedcba9876543210fedcba9876543210");
	h = bearer(other);
	expect_401(h);
	free(h);
	free(other);
	/* a refresh-token-shaped value */
	expect_401("Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234");
}

static void test_guard_revoked(void **state)
{
	char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
	char *tok = fresh_token(user, sid), *h = bearer(tok);
	(void)state;
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
	assert_int_equal(sc_ratelimit_revoke(r, sid, 930), 0);
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 0);
	assert_int_equal(req.authed, 0);
	assert_string_equal(req.user.user_id, "");     /* the caller is forgotten */
	assert_int_equal(resp.status, 401);
	render();
	assert_string_equal(t_header(&out, "WWW-Authenticate"), "Bearer realm=\"secureconnect\"");
	free(h);
	free(tok);
	/* another session of the same user is unaffected */
	{
		char sid2[SC_UUID_STRLEN + 1], *tok2 = NULL;
		sc_uuid_v4(sid2);
		assert_int_equal(sc_jwt_issue(user, sid2, "user", time(NULL), &tok2, NULL), 0);
		h = bearer(tok2);
		make_req(h, NULL);
		assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
		free(h);
		free(tok2);
	}
}

/* Redis unreachable: 503, never a pass, for both kinds of endpoint. */
static void test_guard_redis_down(void **state)
{
	char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
	char *tok, *h;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, NULL);
	sc_redis_free(r);
	r = sc_redis_new();
	tok = fresh_token(user, sid);
	h = bearer(tok);
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 0);
	assert_int_equal(req.authed, 0);
	assert_int_equal(resp.status, 503);
	render();
	assert_non_null(t_header(&out, "Retry-After"));
	assert_null(t_header(&out, "WWW-Authenticate"));
	make_req(NULL, "192.0.2.1");
	assert_int_equal(sc_auth_guard(SC_EP_PUBLIC, &req, &resp), 0);
	assert_int_equal(resp.status, 503);
	/* a bad token is still a 401 (checked before Redis) */
	make_req("Bearer x.y.z", NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 0);
	assert_int_equal(resp.status, 401);
	free(h);
	free(tok);
}

static long header_num(const char *name)
{
	const char *v = t_header(&out, name);
	if (v == NULL)
		fail_msg("no %s header", name);
	return atol(v);
}

static void test_guard_user_limited(void **state)
{
	char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1], u2[SC_UUID_STRLEN + 1];
	char *tok, *h, *tok2, *h2;
	long ra;
	(void)state;
	t_config_services("RATE_LIMIT_USER_PER_MINUTE", "1", "RATE_LIMIT_USER_BURST", "2", NULL);
	tok = fresh_token(user, sid);
	h = bearer(tok);
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
	render_passed();
	assert_string_equal(t_header(&out, "RateLimit-Limit"), "2");
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "1");
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
	render_passed();
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "0");
	make_req(h, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 0);
	assert_int_equal(req.authed, 0);
	assert_string_equal(req.user.user_id, "");
	assert_int_equal(resp.status, 429);
	render();
	assert_true(strncmp(out.head, "Status: 429 ", 12) == 0);
	ra = header_num("Retry-After");
	assert_true(ra >= 1 && ra <= 60);
	assert_string_equal(t_header(&out, "RateLimit-Limit"), "2");
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "0");
	assert_true(header_num("RateLimit-Reset") > 0);
	assert_int_equal(t_header_count(&out, "Retry-After"), 1);
	/* another user has a bucket of its own */
	tok2 = fresh_token(u2, sid);
	h2 = bearer(tok2);
	make_req(h2, NULL);
	assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
	free(h2);
	free(tok2);
	free(h);
	free(tok);
}

/* Public endpoints: limited per client address; tokens play no part. */
static void test_guard_public_per_address(void **state)
{
	char ip1[64], ip2[64];
	unsigned char rb[4];
	long ra;
	(void)state;
	t_config_services("RATE_LIMIT_IP_PER_MINUTE", "1", "RATE_LIMIT_IP_BURST", "2", NULL);
	sc_rand_bytes(rb, sizeof(rb));
	snprintf(ip1, sizeof(ip1), "10.%u.%u.%u", rb[0], rb[1], rb[2]);
	snprintf(ip2, sizeof(ip2), "2001:db8::%x", (unsigned)rb[3] << 8 | rb[0]);
	make_req("Bearer garbage", ip1);
	assert_int_equal(sc_auth_guard(SC_EP_PUBLIC | SC_EP_JSON, &req, &resp), 1);
	assert_int_equal(req.authed, 0);
	render_passed();
	assert_string_equal(t_header(&out, "RateLimit-Limit"), "2");
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "1");
	make_req(NULL, ip1);
	assert_int_equal(sc_auth_guard(SC_EP_PUBLIC, &req, &resp), 1);
	make_req(NULL, ip1);
	assert_int_equal(sc_auth_guard(SC_EP_PUBLIC, &req, &resp), 0);
	assert_int_equal(resp.status, 429);
	render();
	ra = header_num("Retry-After");
	assert_true(ra >= 1 && ra <= 60);
	assert_string_equal(t_header(&out, "RateLimit-Remaining"), "0");
	/* another address is not limited */
	make_req(NULL, ip2);
	assert_int_equal(sc_auth_guard(SC_EP_PUBLIC, &req, &resp), 1);
	/* the per-user limit is separate from the per-address one */
	{
		char user[SC_UUID_STRLEN + 1], sid[SC_UUID_STRLEN + 1];
		char *tok = fresh_token(user, sid), *h = bearer(tok);
		make_req(h, ip1);
		assert_int_equal(sc_auth_guard(SC_EP_AUTH, &req, &resp), 1);
		free(h);
		free(tok);
	}
}

/* Endpoints that are neither: no Redis round trip at all. */
static void test_guard_no_flags(void **state)
{
	(void)state;
	make_req(NULL, NULL);
	req.redis = NULL;
	assert_int_equal(sc_auth_guard(SC_EP_JSON, &req, &resp), 1);
	assert_int_equal(sc_auth_guard(0, &req, &resp), 1);
	assert_int_equal(req.authed, 0);
	render_passed();
	assert_null(t_header(&out, "RateLimit-Limit"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bearer_parsing),
		T(test_guard_valid_token),
		T(test_guard_refuses_bad_tokens),
		T(test_guard_revoked),
		T(test_guard_redis_down),
		T(test_guard_user_limited),
		T(test_guard_public_per_address),
		T(test_guard_no_flags),
	};
	return cmocka_run_group_tests_name("sc_auth", tests, NULL, NULL);
}
