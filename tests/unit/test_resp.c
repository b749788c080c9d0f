/* test_resp.c - response rendering: status, headers, envelope. */
#include "t_common.h"

#include <strings.h>

#include "t_http.h"
#include "sc_http.h"
#include "sc_resp.h"

static sc_arena a;
static sc_req req;
static sc_resp resp;
static t_rendered out;

static int setup(void **state)
{
	(void)state;
	t_config(NULL);
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

static void render(void)
{
	t_rendered_free(&out);
	t_render(&resp, &req, &out);
}

static void test_status_line_and_envelope(void **state)
{
	json_object *o, *data;
	char len[32];
	(void)state;
	REQ("REQUEST_METHOD=GET", "HTTP_X_REQUEST_ID=rid-42");
	sc_resp_init(&resp, &a);
	data = json_object_new_object();
	json_object_object_add(data, "path", json_object_new_string("/a/b"));
	sc_resp_json(&resp, 200, data);
	render();
	assert_true(strncmp(out.head, "Status: 200 OK\r\n", 16) == 0);
	assert_string_equal(t_header(&out, "Content-Type"), "application/json; charset=utf-8");
	snprintf(len, sizeof(len), "%zu", out.body_len);
	assert_string_equal(t_header(&out, "Content-Length"), len);
	assert_string_equal(t_header(&out, "X-Request-ID"), "rid-42");
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "success", NULL), "true");
	assert_string_equal(t_jstr(o, "data", "path"), "/a/b");
	assert_string_equal(t_jstr(o, "meta", "request_id"), "rid-42");
	assert_int_equal(strlen(t_jstr(o, "meta", "timestamp")), 24);
	assert_null(t_jstr(o, "error", NULL));
	json_object_put(o);
	/* no escaped slash in the compact output */
	assert_null(strstr(out.body, "\\/"));
}

static void test_security_headers(void **state)
{
	static const int statuses[] = { 200, 204, 400, 404, 500 };
	size_t i;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		sc_resp_init(&resp, &a);
		if (statuses[i] == 204)
			sc_resp_empty(&resp, 204);
		else if (statuses[i] >= 400)
			sc_resp_error(&resp, statuses[i], "x");
		else
			sc_resp_json(&resp, 200, NULL);
		render();
		assert_string_equal(t_header(&out, "X-Content-Type-Options"), "nosniff");
		assert_string_equal(t_header(&out, "X-Frame-Options"), "DENY");
		assert_string_equal(t_header(&out, "Referrer-Policy"), "no-referrer");
		assert_string_equal(t_header(&out, "Content-Security-Policy"),
		    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
		assert_string_equal(t_header(&out, "Cache-Control"), "no-store");
		assert_string_equal(t_header(&out, "Vary"), "Origin");
		assert_int_equal(t_header_count(&out, "Vary"), 1);
		assert_non_null(t_header(&out, "X-Request-ID"));
	}
}

static void test_hsts_only_on_https(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	render();
	assert_null(t_header(&out, "Strict-Transport-Security"));
	REQ("REQUEST_METHOD=GET", "HTTPS=on");
	render();
	assert_string_equal(t_header(&out, "Strict-Transport-Security"),
	    "max-age=31536000; includeSubDomains");
	REQ("REQUEST_METHOD=GET", "REQUEST_SCHEME=https");
	render();
	assert_non_null(t_header(&out, "Strict-Transport-Security"));
	/* a forged X-Forwarded-Proto from an untrusted client does not count */
	REQ("REQUEST_METHOD=GET", "REMOTE_ADDR=1.2.3.4", "HTTP_X_FORWARDED_PROTO=https");
	render();
	assert_null(t_header(&out, "Strict-Transport-Security"));
}

static void test_hsts_max_age_setting(void **state)
{
	(void)state;
	t_config("HSTS_MAX_AGE", "0", NULL);
	REQ("REQUEST_METHOD=GET", "HTTPS=on");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	render();
	assert_null(t_header(&out, "Strict-Transport-Security"));
	t_config("HSTS_MAX_AGE", "600", NULL);
	render();
	assert_string_equal(t_header(&out, "Strict-Transport-Security"),
	    "max-age=600; includeSubDomains");
}

static void test_cors_headers_only_for_allowed_origin(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET", "HTTP_ORIGIN=http://localhost:8080");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	render();
	assert_string_equal(t_header(&out, "Access-Control-Allow-Origin"), "http://localhost:8080");
	assert_string_equal(t_header(&out, "Access-Control-Expose-Headers"),
	    "X-Request-ID, Retry-After");
	assert_null(t_header(&out, "Access-Control-Allow-Credentials"));
	assert_string_equal(t_header(&out, "Vary"), "Origin");
	REQ("REQUEST_METHOD=GET", "HTTP_ORIGIN=http://evil.example");
	render();
	assert_null(t_header(&out, "Access-Control-Allow-Origin"));
	assert_null(t_header(&out, "Access-Control-Expose-Headers"));
	assert_string_equal(t_header(&out, "Vary"), "Origin");
	REQ("REQUEST_METHOD=GET");
	render();
	assert_null(t_header(&out, "Access-Control-Allow-Origin"));
	assert_string_equal(t_header(&out, "Vary"), "Origin");
}

static void test_head_has_no_body(void **state)
{
	t_rendered get;
	(void)state;
	REQ("REQUEST_METHOD=GET", "HTTP_X_REQUEST_ID=same");
	sc_resp_init(&resp, &a);
	sc_resp_raw(&resp, 200, "{\"k\":1}", 7);
	t_render(&resp, &req, &get);
	assert_true(get.body_len > 0);
	REQ("REQUEST_METHOD=HEAD", "HTTP_X_REQUEST_ID=same");
	render();
	assert_int_equal(out.body_len, 0);
	/* HEAD announces the length GET would send */
	assert_non_null(t_header(&out, "Content-Length"));
	assert_int_equal(atoi(t_header(&out, "Content-Length")), (int)get.body_len);
	t_rendered_free(&get);
}

static void test_204_has_no_body(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=DELETE");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, json_object_new_object());
	sc_resp_empty(&resp, 204);
	render();
	assert_true(strncmp(out.head, "Status: 204 No Content\r\n", 24) == 0);
	assert_int_equal(out.body_len, 0);
	assert_null(t_header(&out, "Content-Type"));
	assert_null(t_header(&out, "Content-Length"));
}

static void test_500_hides_detail(void **state)
{
	json_object *o;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_error(&resp, 500, "password authentication failed for user x");
	render();
	assert_true(strncmp(out.head, "Status: 500 Internal Server Error\r\n", 35) == 0);
	assert_null(strstr(out.body, "password"));
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "success", NULL), "false");
	assert_string_equal(t_jstr(o, "error", "code"), "INTERNAL_ERROR");
	assert_string_equal(t_jstr(o, "error", "message"), "internal server error");
	json_object_put(o);
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_resp_fail(&resp, "relation users does not exist"), -1);
	render();
	assert_null(strstr(out.raw.ptr, "relation"));
	assert_int_equal(resp.status, 500);
	sc_resp_init(&resp, &a);
	sc_resp_error_code(&resp, 500, "INTERNAL_ERROR", "stack trace here");
	render();
	assert_null(strstr(out.raw.ptr, "stack trace"));
}

static void test_503_message_shown(void **state)
{
	json_object *o;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_error(&resp, 503, "not ready: redis unavailable");
	render();
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "error", "code"), "SERVICE_UNAVAILABLE");
	assert_string_equal(t_jstr(o, "error", "message"), "not ready: redis unavailable");
	json_object_put(o);
}

static void test_error_envelope_and_field(void **state)
{
	json_object *o;
	sc_verr e;
	(void)state;
	REQ("REQUEST_METHOD=POST", "HTTP_X_REQUEST_ID=r1");
	sc_resp_init(&resp, &a);
	sc_verr_set(&e, "name", "must be a string of %d..%d characters", 1, 50);
	assert_int_equal(sc_resp_verr(&resp, &e), -1);
	render();
	assert_true(strncmp(out.head, "Status: 400 Bad Request\r\n", 25) == 0);
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "success", NULL), "false");
	assert_string_equal(t_jstr(o, "error", "code"), "VALIDATION_ERROR");
	assert_string_equal(t_jstr(o, "error", "message"), "name: must be a string of 1..50 characters");
	assert_string_equal(t_jstr(o, "error", "field"), "name");
	assert_string_equal(t_jstr(o, "meta", "request_id"), "r1");
	assert_null(t_jstr(o, "data", NULL));
	json_object_put(o);
	/* without a field, no "field" key */
	sc_resp_init(&resp, &a);
	sc_resp_error(&resp, 404, "no such \"user\"\n");
	render();
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "error", "code"), "NOT_FOUND");
	assert_string_equal(t_jstr(o, "error", "message"), "no such \"user\"\n");
	assert_null(t_jstr(o, "error", "field"));
	json_object_put(o);
	/* a later setter replaces the error */
	sc_resp_json(&resp, 201, NULL);
	render();
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "success", NULL), "true");
	assert_null(t_jstr(o, "error", NULL));
	json_object_put(o);
	assert_true(strncmp(out.head, "Status: 201 Created\r\n", 21) == 0);
}

static void test_header_injection_dropped(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	sc_resp_header(&resp, "X-Ok", "fine");
	sc_resp_header(&resp, "X-Bad", "v\r\nSet-Cookie: session=evil");
	sc_resp_header(&resp, "X-Bad2", "v\nSet-Cookie: a=b");
	sc_resp_header(&resp, "X-Bad3", "v\rSet-Cookie: a=b");
	sc_resp_header(&resp, "X-Evil\r\nSet-Cookie", "a=b");
	sc_resp_header(&resp, "X-Colon:", "v");
	render();
	assert_string_equal(t_header(&out, "X-Ok"), "fine");
	assert_null(t_header(&out, "X-Bad"));
	assert_null(t_header(&out, "X-Bad2"));
	assert_null(t_header(&out, "X-Bad3"));
	assert_null(strstr(out.raw.ptr, "Set-Cookie"));
	assert_null(strstr(out.raw.ptr, "X-Colon"));
}

static void test_too_many_headers(void **state)
{
	char name[32];
	int i;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	for (i = 0; i < SC_LIMIT_HEADERS + 4; i++) {
		snprintf(name, sizeof(name), "X-H%d", i);
		sc_resp_header(&resp, name, "v");
	}
	assert_int_equal(resp.nheaders, SC_LIMIT_HEADERS);
	render();
	assert_non_null(t_header(&out, "X-H15"));
	assert_null(t_header(&out, "X-H16"));
}

static void test_raw_and_null_data(void **state)
{
	json_object *o;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_raw(&resp, 200, "[1,2,3]xxx", 7);
	render();
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "data", NULL), "[ 1, 2, 3 ]");
	json_object_put(o);
	sc_resp_json(&resp, 200, NULL);
	render();
	o = t_body_json(&out);
	assert_true(json_object_object_get_ex(o, "data", NULL));
	assert_null(t_jstr(o, "data", NULL));
	json_object_put(o);
}

static void test_init_is_500(void **state)
{
	(void)state;
	sc_resp_init(&resp, &a);
	assert_int_equal(resp.status, 500);
	assert_null(resp.err_code);
	assert_int_equal(resp.nheaders, 0);
}

static void test_render_cap(void **state)
{
	sc_buf small;
	(void)state;
	REQ("REQUEST_METHOD=GET");
	sc_resp_init(&resp, &a);
	sc_resp_json(&resp, 200, NULL);
	sc_buf_init(&small, 64);
	assert_int_equal(sc_resp_render(&resp, &req, &small), -1);
	sc_buf_cleanup(&small);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_status_line_and_envelope),
		T(test_security_headers),
		T(test_hsts_only_on_https),
		T(test_hsts_max_age_setting),
		T(test_cors_headers_only_for_allowed_origin),
		T(test_head_has_no_body),
		T(test_204_has_no_body),
		T(test_500_hides_detail),
		T(test_503_message_shown),
		T(test_error_envelope_and_field),
		T(test_header_injection_dropped),
		T(test_too_many_headers),
		T(test_raw_and_null_data),
		T(test_init_is_500),
		T(test_render_cap),
	};
	return cmocka_run_group_tests_name("sc_resp", tests, NULL, NULL);
}
