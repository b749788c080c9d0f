/* test_conv.c - the pure parts of sc_conv: titles and id lists. The SQL
 * parts are covered by tests/integration/cases-conversations.sh. */
#include "t_common.h"

#include "sc_conv.h"

static void test_title(void **state)
{
	static const char *good[] = { "x", "Team", " padded ", "\xc3\xa9t\xc3\xa9" };
	static const char *bad[] = { "", " ", "   ", "tab\there", "nl\n", "del\x7f", "\xc3" };
	char hundred[301];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(sc_conv_title_valid(good[i], strlen(good[i])), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sc_conv_title_valid(bad[i], strlen(bad[i])), 0);
	/* 100 characters, counted as characters, not bytes */
	for (i = 0; i < 100; i++)
		memcpy(hundred + 2 * i, "\xc3\xa9", 2);
	assert_int_equal(sc_conv_title_valid(hundred, 200), 1);
	memcpy(hundred + 200, "x", 2);
	assert_int_equal(sc_conv_title_valid(hundred, 201), 0);
}

static void expect_ids(const char *csv, const char *json)
{
	json_object *o = sc_conv_ids_json(csv);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), json);
	json_object_put(o);
}

static void test_ids_json(void **state)
{
	(void)state;
	expect_ids(NULL, "[]");
	expect_ids("", "[]");
	expect_ids("a", "[\"a\"]");
	expect_ids("a,b", "[\"a\",\"b\"]");
	expect_ids(",a,,b,", "[\"a\",\"b\"]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_ids_json),
	};
	return cmocka_run_group_tests_name("sc_conv", tests, NULL, NULL);
}
