/* test_http.c - method bits, Allow values, reasons and envelope codes. */
#include "t_common.h"

#include "sc_http.h"

static void test_method_bits(void **state)
{
	(void)state;
	assert_int_equal(sc_http_method_bit("GET"), SC_M_GET);
	assert_int_equal(sc_http_method_bit("HEAD"), SC_M_HEAD);
	assert_int_equal(sc_http_method_bit("POST"), SC_M_POST);
	assert_int_equal(sc_http_method_bit("PUT"), SC_M_PUT);
	assert_int_equal(sc_http_method_bit("PATCH"), SC_M_PATCH);
	assert_int_equal(sc_http_method_bit("DELETE"), SC_M_DELETE);
	assert_int_equal(sc_http_method_bit("OPTIONS"), SC_M_OPTIONS);
	/* methods are case-sensitive (RFC 9110) and unknown ones are 0 */
	assert_int_equal(sc_http_method_bit("get"), 0);
	assert_int_equal(sc_http_method_bit("TRACE"), 0);
	assert_int_equal(sc_http_method_bit("CONNECT"), 0);
	assert_int_equal(sc_http_method_bit("GETX"), 0);
	assert_int_equal(sc_http_method_bit(""), 0);
	assert_int_equal(sc_http_method_bit(NULL), 0);
	/* every bit is distinct and inside SC_M_ANY */
	assert_int_equal(SC_M_GET | SC_M_HEAD | SC_M_POST | SC_M_PUT | SC_M_PATCH |
	    SC_M_DELETE | SC_M_OPTIONS, SC_M_ANY);
}

static void allow_is(unsigned mask, const char *want)
{
	char out[64];
	memset(out, 'X', sizeof(out));
	assert_ptr_equal(sc_http_allow(mask, out, sizeof(out)), out);
	assert_string_equal(out, want);
}

static void test_allow(void **state)
{
	(void)state;
	allow_is(SC_M_GET, "GET, HEAD, OPTIONS");
	allow_is(SC_M_POST, "POST, OPTIONS");
	allow_is(SC_M_GET | SC_M_POST, "GET, HEAD, POST, OPTIONS");
	allow_is(SC_M_PUT | SC_M_PATCH | SC_M_DELETE, "PUT, PATCH, DELETE, OPTIONS");
	allow_is(0, "OPTIONS");
	allow_is(SC_M_ANY, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	allow_is(SC_M_HEAD, "HEAD, OPTIONS");
}

static void test_allow_small_buffer(void **state)
{
	char out[12];
	(void)state;
	sc_http_allow(SC_M_ANY, out, sizeof(out));
	/* below the documented 64 bytes: no overflow, NUL-terminated, a prefix */
	assert_true(strlen(out) < sizeof(out));
	assert_true(strncmp(out, "GET, HEAD", 9) == 0);
}

static void test_reason_and_code(void **state)
{
	static const struct { int st; const char *reason, *code; } t[] = {
		{ 200, "OK", NULL }, { 201, "Created", NULL }, { 204, "No Content", NULL },
		{ 400, "Bad Request", "VALIDATION_ERROR" },
		{ 401, "Unauthorized", "UNAUTHORIZED" }, { 403, "Forbidden", "FORBIDDEN" },
		{ 404, "Not Found", "NOT_FOUND" },
		{ 405, "Method Not Allowed", "METHOD_NOT_ALLOWED" },
		{ 409, "Conflict", "CONFLICT" },
		{ 413, "Payload Too Large", "PAYLOAD_TOO_LARGE" },
		{ 415, "Unsupported Media Type", "UNSUPPORTED_MEDIA_TYPE" },
		{ 429, "Too Many Requests", "RATE_LIMITED" },
		{ 500, "Internal Server Error", "INTERNAL_ERROR" },
		{ 503, "Service Unavailable", "SERVICE_UNAVAILABLE" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_string_equal(sc_http_reason(t[i].st), t[i].reason);
		if (t[i].code)
			assert_string_equal(sc_http_code(t[i].st), t[i].code);
	}
	assert_string_equal(sc_http_reason(418), "Unknown");
	assert_string_equal(sc_http_reason(0), "Unknown");
	assert_string_equal(sc_http_code(418), "VALIDATION_ERROR");
	assert_string_equal(sc_http_code(502), "INTERNAL_ERROR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_bits),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_allow_small_buffer),
		cmocka_unit_test(test_reason_and_code),
	};
	return cmocka_run_group_tests_name("sc_http", tests, NULL, NULL);
}
