/* test_cors.c - preflight answers and CORS headers. */
#include "t_common.h"

#include "t_http.h"
#include "sc_cors.h"
#include "sc_resp.h"

static sc_arena a;
static sc_req req;
static sc_resp resp;
static t_rendered out;

static int setup(void **state)
{
	(void)state;
	t_config("CORS_ALLOWED_ORIGINS", "https://app.example.com,http://localhost:3000", NULL);
	t_quiet_log();
	sc_arena_init(&a);
	memset(&out, 0, sizeof(out));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_rendered_free(&out);
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

#define REQ(...) sc_req_init(&req, &a, (char *[]){ __VA_ARGS__, NULL })

static void test_preflight_allowed(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ORIGIN=https://app.example.com",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST",
	    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS=content-type");
	sc_resp_init(&resp, &a);
	sc_cors_preflight(&req, &resp);
	assert_int_equal(resp.status, 204);
	t_render(&resp, &req, &out);
	assert_true(strncmp(out.head, "Status: 204 No Content\r\n", 24) == 0);
	assert_int_equal(out.body_len, 0);
	assert_string_equal(t_header(&out, "Access-Control-Allow-Origin"), "https://app.example.com");
	assert_string_equal(t_header(&out, "Access-Control-Allow-Methods"),
	    "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	assert_string_equal(t_header(&out, "Access-Control-Allow-Headers"),
	    "Authorization, Content-Type, X-Request-ID, Idempotency-Key");
	assert_string_equal(t_header(&out, "Access-Control-Max-Age"), "600");
	assert_string_equal(t_header(&out, "Vary"), "Origin");
	assert_null(t_header(&out, "Access-Control-Allow-Credentials"));
	assert_int_equal(SC_CORS_MAX_AGE, 600);
}

static void test_preflight_disallowed(void **state)
{
	json_object *o;
	(void)state;
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ORIGIN=https://evil.example.com",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	sc_resp_init(&resp, &a);
	sc_cors_preflight(&req, &resp);
	assert_int_equal(resp.status, 403);
	t_render(&resp, &req, &out);
	assert_true(strncmp(out.head, "Status: 403 Forbidden\r\n", 23) == 0);
	assert_null(t_header(&out, "Access-Control-Allow-Origin"));
	assert_null(t_header(&out, "Access-Control-Allow-Methods"));
	assert_string_equal(t_header(&out, "Vary"), "Origin");
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "error", "code"), "FORBIDDEN");
	json_object_put(o);
}

static void test_render_allowed_and_not(void **state)
{
	sc_buf b;
	(void)state;
	sc_buf_init(&b, 4096);
	REQ("REQUEST_METHOD=GET", "HTTP_ORIGIN=http://localhost:3000");
	sc_cors_render(&req, &b);
	assert_string_equal(b.ptr, "Vary: Origin\r\n"
	    "Access-Control-Allow-Origin: http://localhost:3000\r\n"
	    "Access-Control-Expose-Headers: X-Request-ID, Retry-After\r\n");
	sc_buf_reset(&b);
	/* the default list is replaced, not extended */
	REQ("REQUEST_METHOD=GET", "HTTP_ORIGIN=http://localhost:8080");
	sc_cors_render(&req, &b);
	assert_string_equal(b.ptr, "Vary: Origin\r\n");
	sc_buf_reset(&b);
	REQ("REQUEST_METHOD=GET");
	sc_cors_render(&req, &b);
	assert_string_equal(b.ptr, "Vary: Origin\r\n");
	sc_buf_cleanup(&b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_preflight_allowed),
		T(test_preflight_disallowed),
		T(test_render_allowed_and_not),
	};
	return cmocka_run_group_tests_name("sc_cors", tests, NULL, NULL);
}
