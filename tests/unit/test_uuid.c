/* test_uuid.c - UUID parsing and v4 generation. */
#include "t_common.h"

#include "sc_uuid.h"

static void test_parse_ok(void **state)
{
	char out[SC_UUID_STRLEN + 1];
	(void)state;
	assert_int_equal(sc_uuid_parse("123e4567-e89b-12d3-a456-426614174000", 36, out), 1);
	assert_string_equal(out, "123e4567-e89b-12d3-a456-426614174000");
	assert_int_equal(sc_uuid_parse("ABCDEF00-AbCd-0000-FFFF-0123456789AB", 36, out), 1);
	assert_string_equal(out, "abcdef00-abcd-0000-ffff-0123456789ab");
	assert_int_equal(sc_uuid_parse("00000000-0000-0000-0000-000000000000", 36, NULL), 1);
}

static void test_parse_refused(void **state)
{
	static const char *bad[] = {
		"",
		"123e4567-e89b-12d3-a456-42661417400",      /* 35 */
		"123e4567-e89b-12d3-a456-4266141740000",    /* 37 */
		"123e4567e89b-12d3-a456-4266141740000",     /* dash missing */
		"123e4567-e89b-12d3-a456_426614174000",
		"g23e4567-e89b-12d3-a456-426614174000",
		"123e4567-e89b-12d3-a456-42661417400 ",
		"{23e4567-e89b-12d3-a456-426614174000",
		"123e4567-e89b-12d3-a456-4266141740\xc3\xa9",
		"123e4567+e89b-12d3-a456-426614174000",
	};
	char out[SC_UUID_STRLEN + 1];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sc_uuid_parse(bad[i], strlen(bad[i]), out), 0);
	/* n is honoured: a valid prefix of a longer buffer is not a UUID */
	assert_int_equal(sc_uuid_parse("123e4567-e89b-12d3-a456-426614174000", 35, out), 0);
}

static void test_v4(void **state)
{
	char a[SC_UUID_STRLEN + 1], b[SC_UUID_STRLEN + 1], c[SC_UUID_STRLEN + 1];
	int i;
	(void)state;
	for (i = 0; i < 100; i++) {
		sc_uuid_v4(a);
		assert_int_equal(strlen(a), 36);
		assert_int_equal(sc_uuid_parse(a, 36, c), 1);
		assert_string_equal(a, c);          /* already lower case */
		assert_int_equal(a[14], '4');       /* version */
		assert_non_null(strchr("89ab", a[19])); /* variant */
	}
	sc_uuid_v4(b);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_v4),
	};
	return cmocka_run_group_tests_name("sc_uuid", tests, NULL, NULL);
}
