/* test_req.c - building a request from FastCGI params. */
#include "t_common.h"

#include "sc_http.h"
#include "sc_req.h"

static sc_arena a;
static sc_req req;

static int setup(void **state)
{
	(void)state;
	t_config(NULL);
	sc_arena_init(&a);
	return 0;
}

static int setup_proxies(void **state)
{
	(void)state;
	t_config("TRUSTED_PROXIES", "10.0.0.1,::1", NULL);
	sc_arena_init(&a);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

#define REQ(...) sc_req_init(&req, &a, (char *[]){ __VA_ARGS__, NULL })

static void is_hex32(const char *s)
{
	size_t i;
	assert_int_equal(strlen(s), 32);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", s[i]));
}

static void test_method(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=POST", "REQUEST_URI=/x");
	assert_string_equal(req.method, "POST");
	assert_int_equal(req.method_bit, SC_M_POST);
	REQ("REQUEST_METHOD=TRACE");
	assert_string_equal(req.method, "TRACE");
	assert_int_equal(req.method_bit, 0);
	REQ("REQUEST_URI=/x");
	assert_string_equal(req.method, "GET");
	assert_int_equal(req.method_bit, SC_M_GET);
	/* a parameter whose name only starts with REQUEST_METHOD is another one */
	REQ("REQUEST_METHODX=DELETE", "REQUEST_METHOD=PUT");
	assert_string_equal(req.method, "PUT");
	sc_req_init(&req, &a, NULL);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.path, "/");
}

static void test_path_and_query(void **state)
{
	(void)state;
	REQ("REQUEST_URI=/v1/users?limit=10&q=a%20b", "QUERY_STRING=limit=10&q=a%20b");
	assert_string_equal(req.path, "/v1/users");
	assert_int_equal(req.path_len, 9);
	assert_int_equal(req.query_ok, 1);
	assert_string_equal(sc_req_query(&req, "limit"), "10");
	assert_string_equal(sc_req_query(&req, "q"), "a b");
	assert_null(sc_req_query(&req, "nope"));
	REQ("REQUEST_URI=/plain");
	assert_string_equal(req.path, "/plain");
	assert_int_equal(req.query_ok, 1);
	assert_int_equal(req.query.count, 0);
	REQ("REQUEST_URI=/x?", "QUERY_STRING=");
	assert_string_equal(req.path, "/x");
	assert_int_equal(req.query_ok, 1);
	REQ("REQUEST_URI=/x?a=%zz", "QUERY_STRING=a=%zz");
	assert_int_equal(req.query_ok, 0);
	/* not an origin-form URI: the path falls back to "/" */
	REQ("REQUEST_URI=http://evil/x");
	assert_string_equal(req.path, "/");
	REQ("REQUEST_METHOD=GET");
	assert_string_equal(req.path, "/");
}

static void test_headers(void **state)
{
	(void)state;
	REQ("HTTP_AUTHORIZATION=Bearer abc", "HTTP_X_CUSTOM_THING=1",
	    "CONTENT_TYPE=application/json", "CONTENT_LENGTH=12", "HTTP_ACCEPT=*/*");
	assert_string_equal(sc_req_header(&req, "Authorization"), "Bearer abc");
	assert_string_equal(sc_req_header(&req, "authorization"), "Bearer abc");
	assert_string_equal(sc_req_header(&req, "X-Custom-Thing"), "1");
	assert_string_equal(sc_req_header(&req, "Content-Type"), "application/json");
	assert_string_equal(sc_req_header(&req, "content-length"), "12");
	assert_null(sc_req_header(&req, "X-Custom"));
	assert_null(sc_req_header(&req, "Cookie"));
	assert_string_equal(sc_req_param(&req, "HTTP_ACCEPT"), "*/*");
	assert_null(sc_req_param(&req, "HTTP_ACCEP"));
	assert_string_equal(req.content_type, "application/json");
	assert_int_equal(req.content_length, 12);
	/* an overlong header name is not looked up (and does not overflow) */
	{
		char name[300];
		memset(name, 'A', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		assert_null(sc_req_header(&req, name));
	}
	REQ("CONTENT_TYPE=");
	assert_null(req.content_type);
}

static void test_content_length(void **state)
{
	static const char *bad[] = {
		"CONTENT_LENGTH=abc", "CONTENT_LENGTH=-1", "CONTENT_LENGTH= 1", "CONTENT_LENGTH=1 ",
		"CONTENT_LENGTH=+5", "CONTENT_LENGTH=0x10", "CONTENT_LENGTH=99999999999999999999",
		"CONTENT_LENGTH=1.5",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sc_req_init(&req, &a, (char *[]){ (char *)bad[i], NULL });
		assert_int_equal(req.content_length, -1);
	}
	REQ("CONTENT_LENGTH=0");
	assert_int_equal(req.content_length, 0);
	REQ("CONTENT_LENGTH=1048576");
	assert_int_equal(req.content_length, 1048576);
	/* absent or empty: no body (a GET must pass the checks) */
	REQ("REQUEST_METHOD=GET");
	assert_int_equal(req.content_length, 0);
	REQ("CONTENT_LENGTH=");
	assert_int_equal(req.content_length, 0);
}

static void test_request_id(void **state)
{
	char id64[80], id65[80];
	(void)state;
	REQ("HTTP_X_REQUEST_ID=abc.DEF_123-x");
	assert_string_equal(req.request_id, "abc.DEF_123-x");
	memset(id64, 'a', 64);
	id64[64] = '\0';
	memset(id65, 'b', 65);
	id65[65] = '\0';
	{
		char e64[100], e65[100];
		snprintf(e64, sizeof(e64), "HTTP_X_REQUEST_ID=%s", id64);
		snprintf(e65, sizeof(e65), "HTTP_X_REQUEST_ID=%s", id65);
		REQ(e64);
		assert_string_equal(req.request_id, id64);
		REQ(e65);
		is_hex32(req.request_id);
	}
	REQ("HTTP_X_REQUEST_ID=has space");
	is_hex32(req.request_id);
	REQ("HTTP_X_REQUEST_ID=");
	is_hex32(req.request_id);
	REQ("HTTP_X_REQUEST_ID=x\r\nSet-Cookie: a=b");
	is_hex32(req.request_id);
	REQ("HTTP_X_REQUEST_ID=\xc3\xa9t\xc3\xa9");
	is_hex32(req.request_id);
	REQ("REQUEST_METHOD=GET");
	is_hex32(req.request_id);
	{
		char first[33];
		strcpy(first, req.request_id);
		REQ("REQUEST_METHOD=GET");
		assert_string_not_equal(first, req.request_id);
	}
}

static void test_request_id_valid(void **state)
{
	(void)state;
	assert_true(sc_req_id_valid("a"));
	assert_true(sc_req_id_valid("A-z_0.9"));
	assert_false(sc_req_id_valid(""));
	assert_false(sc_req_id_valid(NULL));
	assert_false(sc_req_id_valid("a/b"));
	assert_false(sc_req_id_valid("a:b"));
	assert_false(sc_req_id_valid("a\"b"));
}

static void test_client_ip_without_proxies(void **state)
{
	(void)state;
	/* TRUSTED_PROXIES empty: forwarded headers are ignored */
	REQ("REMOTE_ADDR=10.0.0.1", "HTTP_X_FORWARDED_FOR=1.2.3.4",
	    "HTTP_X_FORWARDED_PROTO=https");
	assert_string_equal(req.client_ip, "10.0.0.1");
	assert_int_equal(req.https, 0);
	REQ("REQUEST_METHOD=GET");
	assert_string_equal(req.client_ip, "");
}

static void test_client_ip_trusted_proxy(void **state)
{
	(void)state;
	REQ("REMOTE_ADDR=10.0.0.1", "HTTP_X_FORWARDED_FOR=6.6.6.6, 1.2.3.4 ",
	    "HTTP_X_FORWARDED_PROTO=https");
	assert_string_equal(req.client_ip, "1.2.3.4");    /* right-most entry */
	assert_int_equal(req.https, 1);
	REQ("REMOTE_ADDR=::1", "HTTP_X_FORWARDED_FOR=2001:db8::7");
	assert_string_equal(req.client_ip, "2001:db8::7");
	assert_int_equal(req.https, 0);
	REQ("REMOTE_ADDR=10.0.0.1", "HTTP_X_FORWARDED_PROTO=http");
	assert_string_equal(req.client_ip, "10.0.0.1");
	assert_int_equal(req.https, 0);
	/* an address not listed (even a prefix of one) is not trusted */
	REQ("REMOTE_ADDR=10.0.0.2", "HTTP_X_FORWARDED_FOR=1.2.3.4",
	    "HTTP_X_FORWARDED_PROTO=https");
	assert_string_equal(req.client_ip, "10.0.0.2");
	assert_int_equal(req.https, 0);
	REQ("REMOTE_ADDR=10.0.0.10", "HTTP_X_FORWARDED_FOR=1.2.3.4");
	assert_string_equal(req.client_ip, "10.0.0.10");
	REQ("REMOTE_ADDR=10.0.0.", "HTTP_X_FORWARDED_FOR=1.2.3.4");
	assert_string_equal(req.client_ip, "10.0.0.");
	/* an empty right-most entry keeps REMOTE_ADDR */
	REQ("REMOTE_ADDR=10.0.0.1", "HTTP_X_FORWARDED_FOR=1.2.3.4, ");
	assert_string_equal(req.client_ip, "10.0.0.1");
}

static void test_https(void **state)
{
	(void)state;
	REQ("HTTPS=on");
	assert_int_equal(req.https, 1);
	REQ("HTTPS=ON");
	assert_int_equal(req.https, 1);
	REQ("HTTPS=off");
	assert_int_equal(req.https, 0);
	REQ("HTTPS=");
	assert_int_equal(req.https, 0);
	REQ("REQUEST_SCHEME=https");
	assert_int_equal(req.https, 1);
	REQ("REQUEST_SCHEME=http");
	assert_int_equal(req.https, 0);
	REQ("REQUEST_METHOD=GET");
	assert_int_equal(req.https, 0);
}

static void test_origin(void **state)
{
	(void)state;
	REQ("HTTP_ORIGIN=http://localhost:3000");
	assert_string_equal(req.origin, "http://localhost:3000");
	assert_int_equal(req.origin_allowed, 1);
	assert_int_equal(req.preflight, 0);
	REQ("HTTP_ORIGIN=http://localhost:3001");
	assert_int_equal(req.origin_allowed, 0);
	REQ("HTTP_ORIGIN=http://localhost:3000/");
	assert_int_equal(req.origin_allowed, 0);
	REQ("HTTP_ORIGIN=HTTP://LOCALHOST:3000");
	assert_int_equal(req.origin_allowed, 0);
	REQ("HTTP_ORIGIN=null");
	assert_int_equal(req.origin_allowed, 0);
	REQ("REQUEST_METHOD=GET");
	assert_null(req.origin);
	assert_int_equal(req.origin_allowed, 0);
}

static void test_preflight(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ORIGIN=http://localhost:3000",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(req.preflight, 1);
	assert_int_equal(req.origin_allowed, 1);
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ORIGIN=http://evil.example",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(req.preflight, 1);
	assert_int_equal(req.origin_allowed, 0);
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ORIGIN=http://localhost:3000");
	assert_int_equal(req.preflight, 0);
	REQ("REQUEST_METHOD=OPTIONS", "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(req.preflight, 0);
	REQ("REQUEST_METHOD=GET", "HTTP_ORIGIN=http://localhost:3000",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST");
	assert_int_equal(req.preflight, 0);
}

static void test_start_time(void **state)
{
	(void)state;
	REQ("REQUEST_METHOD=GET");
	assert_true(req.start_us > 0);
	assert_ptr_equal(req.arena, &a);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_method),
		T(test_path_and_query),
		T(test_headers),
		T(test_content_length),
		T(test_request_id),
		T(test_request_id_valid),
		T(test_client_ip_without_proxies),
		cmocka_unit_test_setup_teardown(test_client_ip_trusted_proxy, setup_proxies, teardown),
		T(test_https),
		T(test_origin),
		T(test_preflight),
		T(test_start_time),
	};
	return cmocka_run_group_tests_name("sc_req", tests, NULL, NULL);
}
