/* test_buf.c - sc_buf caps, JSON string escaping, number parsing, UTF-8. */
#include "t_common.h"

#include <limits.h>

#include "sc_buf.h"

static void test_str_views(void **state)
{
	(void)state;
	sc_str a = sc_str_c("Hello"), n = sc_str_c(NULL);
	assert_int_equal(a.len, 5);
	assert_int_equal(n.len, 0);
	assert_true(sc_str_eq(a, SC_LIT("Hello")));
	assert_false(sc_str_eq(a, SC_LIT("Hell")));
	assert_false(sc_str_eq(a, SC_LIT("hello")));
	assert_true(sc_str_eq_nocase(a, SC_LIT("hELLO")));
	assert_false(sc_str_eq_nocase(a, SC_LIT("hELLO!")));
	assert_true(sc_str_eq(n, SC_LIT("")));
}

static void test_append_and_nul(void **state)
{
	sc_buf b;
	(void)state;
	sc_buf_init(&b, 100);
	assert_int_equal(sc_buf_str(&b).len, 0);
	assert_string_equal(sc_buf_str(&b).ptr, "");
	assert_int_equal(sc_buf_append(&b, "ab", 2), 0);
	assert_int_equal(sc_buf_puts(&b, "cd"), 0);
	assert_int_equal(sc_buf_putc(&b, 'e'), 0);
	assert_int_equal(sc_buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_int_equal(b.len, 9);
	assert_string_equal(b.ptr, "abcde42-x");
	assert_int_equal(b.toobig, 0);
	sc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	sc_buf_cleanup(&b);
	assert_null(b.ptr);
}

static void test_cap_exact_fits(void **state)
{
	sc_buf b;
	(void)state;
	sc_buf_init(&b, 8);
	assert_int_equal(sc_buf_append(&b, "12345678", 8), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(b.toobig, 0);
	assert_string_equal(b.ptr, "12345678");
	/* one more byte is refused and flagged, the content stays */
	assert_int_equal(sc_buf_putc(&b, '9'), -1);
	assert_int_equal(b.toobig, 1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.ptr, "12345678");
	sc_buf_cleanup(&b);
}

static void test_cap_each_append_kind(void **state)
{
	sc_buf b;
	(void)state;
	sc_buf_init(&b, 4);
	assert_int_equal(sc_buf_puts(&b, "12345"), -1);
	assert_int_equal(b.toobig, 1);
	assert_int_equal(b.len, 0);
	sc_buf_reset(&b);
	assert_int_equal(b.toobig, 0);
	assert_int_equal(sc_buf_printf(&b, "%s", "abcdef"), -1);
	assert_int_equal(b.toobig, 1);
	assert_int_equal(b.len, 0);
	sc_buf_reset(&b);
	assert_int_equal(sc_buf_json_str(&b, "abcd", 4), -1);
	assert_int_equal(b.toobig, 1);
	assert_true(b.len <= 4);
	sc_buf_reset(&b);
	/* a huge length must not wrap around */
	assert_int_equal(sc_buf_append(&b, "x", (size_t)-1), -1);
	assert_int_equal(b.toobig, 1);
	sc_buf_cleanup(&b);
}

static void test_grow_large(void **state)
{
	sc_buf b;
	size_t i;
	(void)state;
	sc_buf_init(&b, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(sc_buf_putc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.ptr[99999], 'a' + 99999 % 26);
	assert_int_equal(b.ptr[100000], '\0');
	assert_int_equal(sc_buf_putc(&b, 'x'), -1);
	assert_int_equal(b.toobig, 1);
	sc_buf_cleanup(&b);
}

/* Render s[0..n) as a JSON string and compare with want. */
static void json_is(const char *s, size_t n, const char *want)
{
	sc_buf b;
	sc_buf_init(&b, 1024);
	assert_int_equal(sc_buf_json_str(&b, s, n), 0);
	assert_string_equal(b.ptr, want);
	sc_buf_cleanup(&b);
}

static void test_json_str_plain(void **state)
{
	(void)state;
	json_is("", 0, "\"\"");
	json_is("hello", 5, "\"hello\"");
	json_is("a/b", 3, "\"a/b\"");
	json_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void test_json_str_escapes(void **state)
{
	(void)state;
	json_is("\"", 1, "\"\\\"\"");
	json_is("\\", 1, "\"\\\\\"");
	json_is("a\nb\rc\td", 7, "\"a\\nb\\rc\\td\"");
	json_is("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	json_is("\b\f", 2, "\"\\u0008\\u000c\"");
	json_is("x\0y", 3, "\"x\\u0000y\"");
	json_is("</script>", 9, "\"</script>\"");
}

static void test_json_str_line_separators(void **state)
{
	(void)state;
	json_is("\xe2\x80\xa8", 3, "\"\\u2028\"");
	json_is("a\xe2\x80\xa9z", 5, "\"a\\u2029z\"");
	/* U+2027 is not a separator */
	json_is("\xe2\x80\xa7", 3, "\"\xe2\x80\xa7\"");
}

static void test_json_str_invalid_utf8(void **state)
{
	(void)state;
	/* lone continuation byte, a byte that never appears, overlong '/',
	 * an encoded surrogate, a truncated 3-byte sequence at the end */
	json_is("a\x80z", 3, "\"a\xef\xbf\xbdz\"");
	json_is("\xff", 1, "\"\xef\xbf\xbd\"");
	json_is("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	json_is("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	json_is("ok\xe2\x82", 4, "\"ok\xef\xbf\xbd\xef\xbf\xbd\"");
	json_is("\xf4\x90\x80\x80", 4,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void test_json_str_output_is_valid_utf8(void **state)
{
	unsigned char in[256];
	sc_buf b;
	size_t i;
	(void)state;
	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	sc_buf_init(&b, 8192);
	assert_int_equal(sc_buf_json_str(&b, (const char *)in, sizeof(in)), 0);
	assert_true(sc_utf8_valid(b.ptr, b.len));
	for (i = 1; i + 1 < b.len; i++)
		assert_true((unsigned char)b.ptr[i] >= 0x20);
	sc_buf_cleanup(&b);
}

static int p64(const char *s, long long min, long long max, long long *out)
{
	return sc_parse_i64(s, strlen(s), min, max, out);
}

static void test_parse_i64_ok(void **state)
{
	long long v = 7;
	(void)state;
	assert_int_equal(p64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(p64("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(p64("-5", -5, 5, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(p64("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(p64("9223372036854775807", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MAX);
	assert_int_equal(p64("-9223372036854775808", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MIN);
	/* the length is honoured: bytes after n are not read */
	assert_int_equal(sc_parse_i64("12345", 2, 0, 100, &v), 0);
	assert_int_equal(v, 12);
}

static void test_parse_i64_refused(void **state)
{
	long long v = 7;
	(void)state;
	assert_int_equal(p64("", 0, 10, &v), -1);
	assert_int_equal(sc_parse_i64(NULL, 0, 0, 10, &v), -1);
	assert_int_equal(p64(" 1", 0, 10, &v), -1);
	assert_int_equal(p64("1 ", 0, 10, &v), -1);
	assert_int_equal(p64("+1", 0, 10, &v), -1);
	assert_int_equal(p64("+1", -10, 10, &v), -1);
	assert_int_equal(p64("-", -10, 10, &v), -1);
	assert_int_equal(p64("1a", 0, 100, &v), -1);
	assert_int_equal(p64("0x10", 0, 100, &v), -1);
	assert_int_equal(p64("1.0", 0, 100, &v), -1);
	assert_int_equal(p64("11", 0, 10, &v), -1);
	assert_int_equal(p64("-6", -5, 5, &v), -1);
	assert_int_equal(p64("0", 1, 10, &v), -1);
	/* a sign on an unsigned range */
	assert_int_equal(p64("-0", 0, 10, &v), -1);
	assert_int_equal(p64("-1", 0, 10, &v), -1);
	/* overflow of long long */
	assert_int_equal(p64("9223372036854775808", LLONG_MIN, LLONG_MAX, &v), -1);
	assert_int_equal(p64("-9223372036854775809", LLONG_MIN, LLONG_MAX, &v), -1);
	assert_int_equal(p64("99999999999999999999", LLONG_MIN, LLONG_MAX, &v), -1);
	assert_int_equal(p64("18446744073709551616", LLONG_MIN, LLONG_MAX, &v), -1);
	assert_int_equal(p64("00000000000000000000001", 0, 10, &v), -1);
	assert_int_equal(v, 7); /* untouched on failure */
}

static void test_parse_i64_minus_zero(void **state)
{
	long long v = 7;
	(void)state;
	assert_int_equal(p64("-0", -10, 10, &v), 0);
	assert_int_equal(v, 0);
}

/* A range entirely below zero: the upper bound must hold for negative input
 * too. */
static void test_parse_i64_negative_range(void **state)
{
	long long v = 7;
	(void)state;
	assert_int_equal(p64("-7", -10, -5, &v), 0);
	assert_int_equal(v, -7);
	assert_int_equal(p64("-11", -10, -5, &v), -1);
	assert_int_equal(p64("3", -10, -5, &v), -1);
	assert_int_equal(p64("-3", -10, -5, &v), -1);   /* above max */
	assert_int_equal(p64("-0", -10, -5, &v), -1);   /* 0 is above max */
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(sc_utf8_valid("", 0));
	assert_true(sc_utf8_valid("plain", 5));
	assert_true(sc_utf8_valid("\xc2\x80", 2));               /* U+0080 */
	assert_true(sc_utf8_valid("\xdf\xbf", 2));               /* U+07FF */
	assert_true(sc_utf8_valid("\xe0\xa0\x80", 3));           /* U+0800 */
	assert_true(sc_utf8_valid("\xed\x9f\xbf", 3));           /* U+D7FF */
	assert_true(sc_utf8_valid("\xee\x80\x80", 3));           /* U+E000 */
	assert_true(sc_utf8_valid("\xef\xbf\xbf", 3));           /* U+FFFF */
	assert_true(sc_utf8_valid("\xf0\x90\x80\x80", 4));       /* U+10000 */
	assert_true(sc_utf8_valid("\xf4\x8f\xbf\xbf", 4));       /* U+10FFFF */
	assert_true(sc_utf8_valid("a\0b", 3));                   /* NUL is valid UTF-8 */
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	/* overlongs */
	assert_false(sc_utf8_valid("\xc0\x80", 2));
	assert_false(sc_utf8_valid("\xc1\xbf", 2));
	assert_false(sc_utf8_valid("\xe0\x80\xaf", 3));
	assert_false(sc_utf8_valid("\xe0\x9f\xbf", 3));
	assert_false(sc_utf8_valid("\xf0\x80\x80\xaf", 4));
	assert_false(sc_utf8_valid("\xf0\x8f\xbf\xbf", 4));
	/* surrogates */
	assert_false(sc_utf8_valid("\xed\xa0\x80", 3));
	assert_false(sc_utf8_valid("\xed\xbf\xbf", 3));
	assert_false(sc_utf8_valid("\xed\xa0\xbd\xed\xb8\x80", 6));
	/* above U+10FFFF, 5/6-byte forms, bytes that never appear */
	assert_false(sc_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(sc_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(sc_utf8_valid("\xf8\x88\x80\x80\x80", 5));
	assert_false(sc_utf8_valid("\xfe", 1));
	assert_false(sc_utf8_valid("\xff", 1));
	/* lone continuation, truncated sequences, bad continuation */
	assert_false(sc_utf8_valid("\x80", 1));
	assert_false(sc_utf8_valid("a\xbf", 2));
	assert_false(sc_utf8_valid("\xc3", 1));
	assert_false(sc_utf8_valid("\xe2\x82", 2));
	assert_false(sc_utf8_valid("\xf0\x9f\x98", 3));
	assert_false(sc_utf8_valid("\xe2\x28\xa1", 3));
	/* truncation by n: the full sequence is there but n cuts it */
	assert_false(sc_utf8_valid("\xe2\x82\xac", 2));
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(sc_utf8_len("", 0), 0);
	assert_int_equal(sc_utf8_len("abc", 3), 3);
	assert_int_equal(sc_utf8_len("caf\xc3\xa9", 5), 4);
	assert_int_equal(sc_utf8_len("\xe2\x82\xac\xf0\x9f\x98\x80", 7), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_views),
		cmocka_unit_test(test_append_and_nul),
		cmocka_unit_test(test_cap_exact_fits),
		cmocka_unit_test(test_cap_each_append_kind),
		cmocka_unit_test(test_grow_large),
		cmocka_unit_test(test_json_str_plain),
		cmocka_unit_test(test_json_str_escapes),
		cmocka_unit_test(test_json_str_line_separators),
		cmocka_unit_test(test_json_str_invalid_utf8),
		cmocka_unit_test(test_json_str_output_is_valid_utf8),
		cmocka_unit_test(test_parse_i64_ok),
		cmocka_unit_test(test_parse_i64_refused),
		cmocka_unit_test(test_parse_i64_minus_zero),
		cmocka_unit_test(test_parse_i64_negative_range),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_len),
	};
	return cmocka_run_group_tests_name("sc_buf", tests, NULL, NULL);
}
