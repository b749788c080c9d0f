/* test_uuid.c - UUID parsing, v4 and v7 generation. */
#include "t_common.h"

#include "sc_uuid.h"

#include <time.h>

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

/* the 48-bit millisecond prefix of a v7 id: hex digits 0..7 and 9..12 */
static long long v7_ms(const char *u)
{
	char hex[13];
	memcpy(hex, u, 8);
	memcpy(hex + 8, u + 9, 4);
	hex[12] = '\0';
	return strtoll(hex, NULL, 16);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_v7_layout(void **state)
{
	char u[SC_UUID_STRLEN + 1], c[SC_UUID_STRLEN + 1];
	long long ms = -1, before, after;
	int i;
	(void)state;
	for (i = 0; i < 1000; i++) {
		before = now_ms();
		sc_uuid_v7(u, &ms);
		after = now_ms();
		assert_int_equal(strlen(u), 36);
		assert_int_equal(sc_uuid_parse(u, 36, c), 1);
		assert_string_equal(u, c);                 /* lower case */
		assert_int_equal(u[14], '7');              /* version 7 */
		assert_non_null(strchr("89ab", u[19]));    /* variant 10 */
		assert_true(ms == v7_ms(u));               /* *ms is the prefix */
		/* the prefix is the clock, within a second (a counter may run ahead
		 * of it when more than 4096 ids are made in one millisecond) */
		assert_true(ms >= before - 1000 && ms <= after + 1000);
	}
	sc_uuid_v7(u, NULL);                           /* ms may be NULL */
	assert_int_equal(u[14], '7');
}

/* 10,000 ids in a row, as fast as they come: each is greater than the one
 * before (as text, which is also byte order), never equal. */
static void test_v7_increasing(void **state)
{
	static char ids[10000][SC_UUID_STRLEN + 1];
	long long first, last;
	int i;
	(void)state;
	first = now_ms();
	for (i = 0; i < 10000; i++)
		sc_uuid_v7(ids[i], NULL);
	last = now_ms();
	for (i = 1; i < 10000; i++)
		if (strcmp(ids[i - 1], ids[i]) >= 0)
			fail_msg("id %d (%s) is not greater than id %d (%s)", i, ids[i], i - 1, ids[i - 1]);
	assert_true(v7_ms(ids[0]) >= first - 1000);
	assert_true(v7_ms(ids[9999]) <= last + 1000);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(ids[i][14], '7');
		assert_non_null(strchr("89ab", ids[i][19]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v7_layout),
		cmocka_unit_test(test_v7_increasing),
	};
	return cmocka_run_group_tests_name("sc_uuid", tests, NULL, NULL);
}
