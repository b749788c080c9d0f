/* test_app.c - the common request checks, driven without a web server. */
#include "t_common.h"

#include "t_http.h"
#include "sc_app.h"

static sc_arena a;
static sc_req req;
static sc_resp resp;
static t_rendered out;
static int handler_calls;

static int h_ok(sc_req *r, sc_resp *p)
{
	(void)r;
	handler_calls++;
	sc_resp_json(p, 200, json_object_new_object());
	return 0;
}

static int h_nothing(sc_req *r, sc_resp *p)
{
	(void)r;
	(void)p;
	handler_calls++;
	return 0;
}

static int h_error(sc_req *r, sc_resp *p)
{
	(void)r;
	handler_calls++;
	return sc_resp_error(p, 409, "taken");
}

static const sc_endpoint ep_get = { "t/get", "/v1/things/:id", SC_M_GET, 0, 0, h_ok };
static const sc_endpoint ep_post = { "t/post", "/v1/things", SC_M_POST | SC_M_PUT, 0,
	SC_EP_JSON_REQUIRED, h_ok };
static const sc_endpoint ep_opt = { "t/opt", "/v1/opt", SC_M_POST | SC_M_GET, 100,
	SC_EP_JSON, h_ok };
static const sc_endpoint ep_raw = { "t/raw", "/v1/raw", SC_M_POST, 0, 0, h_ok };
static const sc_endpoint ep_stream = { "t/stream", "/v1/stream", SC_M_PUT, 1000, SC_EP_STREAM, h_ok };

#define UUID "123e4567-e89b-12d3-a456-426614174000"

static int setup(void **state)
{
	(void)state;
	t_config(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	memset(&out, 0, sizeof(out));
	handler_calls = 0;
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

#define REQ(...) do { \
	sc_req_init(&req, &a, (char *[]){ __VA_ARGS__, NULL }); \
	sc_resp_init(&resp, &a); \
} while (0)

static void render(void)
{
	t_rendered_free(&out);
	t_render(&resp, &req, &out);
}

static const char *err_code(void)
{
	static char code[64];
	json_object *o;
	render();
	o = t_body_json(&out);
	snprintf(code, sizeof(code), "%s", t_jstr(o, "error", "code") ? t_jstr(o, "error", "code") : "");
	json_object_put(o);
	return code;
}

static void test_pattern_mismatch_404(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 404);
	assert_string_equal(err_code(), "NOT_FOUND");
	/* a non-UUID id is 404 too */
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things/42");
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 404);
	/* 404 comes before 405 */
	REQ("REQUEST_METHOD=DELETE", "REQUEST_URI=/nope");
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 404);
}

static void test_match_goes_on(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things/" UUID "?x=1", "QUERY_STRING=x=1");
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 1);
	assert_int_equal(resp.status, 500);       /* untouched */
	assert_null(resp.err_code);
	assert_string_equal(sc_route_param(&req.params, "id"), UUID);
	/* HEAD comes with GET */
	REQ("REQUEST_METHOD=HEAD", "REQUEST_URI=/v1/things/" UUID);
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 1);
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things/" UUID);
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 405);
	assert_string_equal(err_code(), "METHOD_NOT_ALLOWED");
	assert_string_equal(t_header(&out, "Allow"), "GET, HEAD, OPTIONS");
	REQ("REQUEST_METHOD=TRACE", "REQUEST_URI=/v1/things/" UUID);
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 405);
	REQ("REQUEST_METHOD=get", "REQUEST_URI=/v1/things/" UUID);
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 405);
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 405);
	render();
	assert_string_equal(t_header(&out, "Allow"), "POST, PUT, OPTIONS");
	/* HEAD is not allowed where GET is not */
	REQ("REQUEST_METHOD=HEAD", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 405);
}

static void test_options_plain(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/v1/things/" UUID);
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 204);
	render();
	assert_int_equal(out.body_len, 0);
	assert_string_equal(t_header(&out, "Allow"), "GET, HEAD, OPTIONS");
	assert_null(t_header(&out, "Access-Control-Allow-Methods"));
	/* Origin without Access-Control-Request-Method: still a plain OPTIONS */
	REQ("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/v1/things", "HTTP_ORIGIN=http://evil.example");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 204);
	assert_int_equal(handler_calls, 0);
}

static void test_options_preflight(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/v1/things",
	    "HTTP_ORIGIN=http://localhost:3000", "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 204);
	render();
	assert_string_equal(t_header(&out, "Access-Control-Allow-Origin"), "http://localhost:3000");
	assert_non_null(t_header(&out, "Access-Control-Allow-Methods"));
	assert_string_equal(t_header(&out, "Access-Control-Max-Age"), "600");
	REQ("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/v1/things",
	    "HTTP_ORIGIN=http://evil.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_string_equal(err_code(), "FORBIDDEN");
}

static void test_body_limits(void **state)
{
	char cl[64];
	(void)state;
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%u", SC_LIMIT_BODY_DEFAULT + 1);
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", cl, "CONTENT_TYPE=application/json");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 413);
	assert_string_equal(err_code(), "PAYLOAD_TOO_LARGE");
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%u", SC_LIMIT_BODY_DEFAULT);
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", cl, "CONTENT_TYPE=application/json");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 1);
	/* a declared cap */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt", "CONTENT_LENGTH=101",
	    "CONTENT_TYPE=application/json");
	assert_int_equal(sc_app_precheck(&ep_opt, &req, &resp), 0);
	assert_int_equal(resp.status, 413);
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt", "CONTENT_LENGTH=100",
	    "CONTENT_TYPE=application/json");
	assert_int_equal(sc_app_precheck(&ep_opt, &req, &resp), 1);
	/* 413 comes before 415 */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt", "CONTENT_LENGTH=1000000",
	    "CONTENT_TYPE=text/plain");
	assert_int_equal(sc_app_precheck(&ep_opt, &req, &resp), 0);
	assert_int_equal(resp.status, 413);
	/* a body longer than the cap handed to sc_app_body */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt");
	{
		char big[200];
		memset(big, ' ', sizeof(big));
		assert_int_equal(sc_app_body(&ep_opt, &req, &resp, big, sizeof(big)), 0);
		assert_int_equal(resp.status, 413);
	}
}

static void test_bad_content_length_and_query(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", "CONTENT_LENGTH=12x",
	    "CONTENT_TYPE=application/json");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 400);
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things/" UUID "?a=%zz", "QUERY_STRING=a=%zz");
	assert_int_equal(sc_app_precheck(&ep_get, &req, &resp), 0);
	assert_int_equal(resp.status, 400);
	assert_string_equal(err_code(), "VALIDATION_ERROR");
}

static void test_media_type(void **state)
{
	static const char *bad[] = {
		"CONTENT_TYPE=text/plain", "CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_TYPE=application/jsonp", "CONTENT_TYPE=application/json-patch+json",
		"CONTENT_TYPE=multipart/form-data; boundary=x", "CONTENT_TYPE=",
	};
	static const char *good[] = {
		"CONTENT_TYPE=application/json", "CONTENT_TYPE=application/json; charset=utf-8",
		"CONTENT_TYPE=Application/JSON;charset=UTF-8", "CONTENT_TYPE=application/json ;x=y",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", "CONTENT_LENGTH=2", (char *)bad[i]);
		assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
		assert_int_equal(resp.status, 415);
	}
	assert_string_equal(err_code(), "UNSUPPORTED_MEDIA_TYPE");
	/* a body without any Content-Type */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", "CONTENT_LENGTH=2");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 0);
	assert_int_equal(resp.status, 415);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", "CONTENT_LENGTH=2", (char *)good[i]);
		assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 1);
	}
	/* no body: the type does not matter */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things", "CONTENT_LENGTH=0",
	    "CONTENT_TYPE=text/plain");
	assert_int_equal(sc_app_precheck(&ep_post, &req, &resp), 1);
	/* a streaming endpoint (file uploads) takes any type, or none, within its cap */
	REQ("REQUEST_METHOD=PUT", "REQUEST_URI=/v1/stream", "CONTENT_LENGTH=1000",
	    "CONTENT_TYPE=image/png");
	assert_int_equal(sc_app_precheck(&ep_stream, &req, &resp), 1);
	REQ("REQUEST_METHOD=PUT", "REQUEST_URI=/v1/stream", "CONTENT_LENGTH=10");
	assert_int_equal(sc_app_precheck(&ep_stream, &req, &resp), 1);
	REQ("REQUEST_METHOD=PUT", "REQUEST_URI=/v1/stream", "CONTENT_LENGTH=1001",
	    "CONTENT_TYPE=image/png");
	assert_int_equal(sc_app_precheck(&ep_stream, &req, &resp), 0);
	assert_int_equal(resp.status, 413);
}

static void test_json_required(void **state)
{
	json_object *o;
	const char *msg;
	(void)state;
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "", 0), 0);
	assert_int_equal(resp.status, 400);
	assert_string_equal(err_code(), "VALIDATION_ERROR");
	REQ("REQUEST_METHOD=PUT", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "", 0), 0);
	assert_int_equal(resp.status, 400);
	/* invalid JSON */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "{\"a\":1,}", 8), 0);
	assert_int_equal(resp.status, 400);
	render();
	o = t_body_json(&out);
	msg = t_jstr(o, "error", "message");
	assert_non_null(msg);
	assert_true(strncmp(msg, "invalid JSON: ", 14) == 0);
	assert_true(strlen(msg) > 14);
	json_object_put(o);
	/* not an object */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "[1]", 3), 0);
	assert_int_equal(resp.status, 400);
	assert_true(strncmp(resp.err_msg, "invalid JSON: ", 14) == 0);
	/* valid */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "{\"a\":1} ", 8), 1);
	assert_non_null(req.json);
	assert_int_equal(json_object_get_int(json_object_object_get(req.json, "a")), 1);
	assert_int_equal(req.body.len, 8);
	assert_int_equal(resp.status, 500);     /* untouched */
}

static void test_json_optional(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt");
	assert_int_equal(sc_app_body(&ep_opt, &req, &resp, "", 0), 1);
	assert_null(req.json);
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/opt");
	assert_int_equal(sc_app_body(&ep_opt, &req, &resp, "{'a':1}", 7), 0);
	assert_int_equal(resp.status, 400);
	/* a GET on a JSON_REQUIRED endpoint needs no body */
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/v1/things");
	assert_int_equal(sc_app_body(&ep_post, &req, &resp, "", 0), 1);
	/* an endpoint that takes no JSON does not parse */
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/v1/raw");
	assert_int_equal(sc_app_body(&ep_raw, &req, &resp, "not json", 8), 1);
	assert_null(req.json);
	assert_int_equal(req.body.len, 8);
}

static void test_dispatch(void **state)
{
	json_object *o;
	const sc_endpoint ep_nothing = { "t/n", "/x", SC_M_GET, 0, 0, h_nothing };
	const sc_endpoint ep_err = { "t/e", "/x", SC_M_GET, 0, 0, h_error };
	(void)state;
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/x");
	sc_app_dispatch(&ep_nothing, &req, &resp);
	assert_int_equal(handler_calls, 1);
	assert_int_equal(resp.status, 500);
	render();
	o = t_body_json(&out);
	assert_string_equal(t_jstr(o, "error", "code"), "INTERNAL_ERROR");
	assert_string_equal(t_jstr(o, "error", "message"), "internal server error");
	json_object_put(o);
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/x");
	sc_app_dispatch(&ep_get, &req, &resp);
	assert_int_equal(resp.status, 200);
	REQ("REQUEST_METHOD=GET", "REQUEST_URI=/x");
	sc_app_dispatch(&ep_err, &req, &resp);
	assert_int_equal(resp.status, 409);
	assert_string_equal(err_code(), "CONFLICT");
	assert_int_equal(handler_calls, 3);
}

static void test_is_json_type(void **state)
{
	(void)state;
	assert_true(sc_app_is_json_type("application/json"));
	assert_true(sc_app_is_json_type("application/json; charset=utf-8"));
	assert_true(sc_app_is_json_type("application/json;charset=utf-8"));
	assert_true(sc_app_is_json_type("APPLICATION/JSON"));
	assert_true(sc_app_is_json_type("application/json "));
	assert_false(sc_app_is_json_type(NULL));
	assert_false(sc_app_is_json_type(""));
	assert_false(sc_app_is_json_type("application/jso"));
	assert_false(sc_app_is_json_type("application/jsonx"));
	assert_false(sc_app_is_json_type("application/json-seq"));
	assert_false(sc_app_is_json_type("application/json,text/html"));
	assert_false(sc_app_is_json_type("text/json"));
	assert_false(sc_app_is_json_type("application/ld+json"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pattern_mismatch_404),
		T(test_match_goes_on),
		T(test_method_not_allowed),
		T(test_options_plain),
		T(test_options_preflight),
		T(test_body_limits),
		T(test_bad_content_length_and_query),
		T(test_media_type),
		T(test_json_required),
		T(test_json_optional),
		T(test_dispatch),
		T(test_is_json_type),
	};
	return cmocka_run_group_tests_name("sc_app", tests, NULL, NULL);
}
