/* test_url.c - percent-decoding and query strings. */
#include "t_common.h"

#include "sc_url.h"

static long dec(const char *s, int plus, char *out)
{
	return sc_url_decode(s, strlen(s), plus, out);
}

static void test_decode_ok(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(dec("", 0, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(dec("abc", 0, out), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(dec("a%20b", 0, out), 3);
	assert_string_equal(out, "a b");
	assert_int_equal(dec("%2f%2F", 0, out), 2);
	assert_string_equal(out, "//");
	assert_int_equal(dec("caf%C3%A9", 0, out), 5);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_int_equal(dec("%25", 0, out), 1);
	assert_string_equal(out, "%");
	/* n is honoured */
	assert_int_equal(sc_url_decode("ab%41", 2, 0, out), 2);
	assert_string_equal(out, "ab");
}

static void test_decode_plus(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(dec("a+b", 1, out), 3);
	assert_string_equal(out, "a b");
	assert_int_equal(dec("a+b", 0, out), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(dec("%2B", 1, out), 1);
	assert_string_equal(out, "+");
}

static void test_decode_refused(void **state)
{
	static const char *bad[] = {
		"%", "%4", "a%", "%zz", "%4g", "%g4", "%%41", "%00", "a%00b",
		"%C3", "%C0%AF", "%ED%A0%80", "%FF", "\xff", "ok\xc3",
	};
	char out[64];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dec(bad[i], 0, out), -1);
		assert_int_equal(dec(bad[i], 1, out), -1);
	}
}

static void test_query_parse(void **state)
{
	sc_arena a;
	sc_query q;
	(void)state;
	sc_arena_init(&a);
	assert_int_equal(sc_url_query_parse(&a, "a=1&b=x%20y&c&d=&e=a+b&a=2", &q), 0);
	assert_int_equal(q.count, 6);
	assert_string_equal(sc_url_query_get(&q, "a"), "1");     /* first value */
	assert_string_equal(sc_url_query_get(&q, "b"), "x y");
	assert_string_equal(sc_url_query_get(&q, "c"), "");
	assert_string_equal(sc_url_query_get(&q, "d"), "");
	assert_string_equal(sc_url_query_get(&q, "e"), "a b");
	assert_null(sc_url_query_get(&q, "z"));
	assert_null(sc_url_query_get(&q, "A"));
	assert_string_equal(q.keys[5], "a");
	assert_string_equal(q.values[5], "2");
	/* empty pairs are skipped; a key can be encoded; '=' inside a value */
	assert_int_equal(sc_url_query_parse(&a, "&&k%3D=v=w&&", &q), 0);
	assert_int_equal(q.count, 1);
	assert_string_equal(q.keys[0], "k=");
	assert_string_equal(q.values[0], "v=w");
	assert_int_equal(sc_url_query_parse(&a, "", &q), 0);
	assert_int_equal(q.count, 0);
	sc_arena_cleanup(&a);
}

static void test_query_bad_escape(void **state)
{
	sc_arena a;
	sc_query q;
	(void)state;
	sc_arena_init(&a);
	assert_int_equal(sc_url_query_parse(&a, "a=%zz", &q), -1);
	assert_int_equal(sc_url_query_parse(&a, "a%=1", &q), -1);
	assert_int_equal(sc_url_query_parse(&a, "a=%00", &q), -1);
	assert_int_equal(sc_url_query_parse(&a, "a=%ff", &q), -1);
	sc_arena_cleanup(&a);
}

static void test_query_caps(void **state)
{
	sc_arena a;
	sc_query q;
	char buf[SC_LIMIT_QUERY + 2];
	size_t i, o = 0;
	(void)state;
	sc_arena_init(&a);
	/* exactly SC_LIMIT_QUERY_PARAMS pairs: accepted; one more: refused */
	for (i = 0; i < SC_LIMIT_QUERY_PARAMS; i++)
		o += (size_t)sprintf(buf + o, "%sk%zu=v", i ? "&" : "", i);
	assert_int_equal(sc_url_query_parse(&a, buf, &q), 0);
	assert_int_equal(q.count, SC_LIMIT_QUERY_PARAMS);
	assert_string_equal(sc_url_query_get(&q, "k31"), "v");
	sprintf(buf + o, "&k%d=v", SC_LIMIT_QUERY_PARAMS);
	assert_int_equal(sc_url_query_parse(&a, buf, &q), -1);
	/* exactly SC_LIMIT_QUERY bytes: accepted; one more: refused */
	memset(buf, 'x', SC_LIMIT_QUERY);
	buf[0] = 'k';
	buf[1] = '=';
	buf[SC_LIMIT_QUERY] = '\0';
	assert_int_equal(sc_url_query_parse(&a, buf, &q), 0);
	assert_int_equal(strlen(sc_url_query_get(&q, "k")), SC_LIMIT_QUERY - 2);
	buf[SC_LIMIT_QUERY] = 'x';
	buf[SC_LIMIT_QUERY + 1] = '\0';
	assert_int_equal(sc_url_query_parse(&a, buf, &q), -1);
	sc_arena_cleanup(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_ok),
		cmocka_unit_test(test_decode_plus),
		cmocka_unit_test(test_decode_refused),
		cmocka_unit_test(test_query_parse),
		cmocka_unit_test(test_query_bad_escape),
		cmocka_unit_test(test_query_caps),
	};
	return cmocka_run_group_tests_name("sc_url", tests, NULL, NULL);
}
