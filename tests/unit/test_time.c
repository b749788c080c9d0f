/* test_time.c - RFC 3339 timestamps and the monotonic clock. */
#include "t_common.h"

#include "sc_time.h"

static void is_rfc(time_t sec, long nsec, const char *want)
{
	struct timespec ts = { sec, nsec };
	char out[SC_TIME_RFC3339_LEN];
	assert_ptr_equal(sc_time_rfc3339(&ts, out), out);
	assert_string_equal(out, want);
}

static void test_rfc3339_known(void **state)
{
	(void)state;
	is_rfc(0, 0, "1970-01-01T00:00:00.000Z");
	is_rfc(1700000000, 123456789, "2023-11-14T22:13:20.123Z");
	is_rfc(951782400, 999999999, "2000-02-29T00:00:00.999Z");
	is_rfc(1798761599, 1000000, "2026-12-31T23:59:59.001Z");
	is_rfc(4102444800, 0, "2100-01-01T00:00:00.000Z");
}

/* Shape of "now": YYYY-MM-DDTHH:MM:SS.mmmZ */
static void test_now_shape(void **state)
{
	char out[SC_TIME_RFC3339_LEN];
	size_t i;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	(void)state;
	sc_time_now_rfc3339(out);
	assert_int_equal(strlen(out), 24);
	for (i = 0; i < 24; i++) {
		if (shape[i] == 'd')
			assert_true(out[i] >= '0' && out[i] <= '9');
		else
			assert_int_equal(out[i], shape[i]);
	}
	assert_true(strncmp(out, "2020", 4) > 0);
}

static void test_mono_never_goes_back(void **state)
{
	uint64_t a, b;
	int i;
	(void)state;
	a = sc_time_mono_us();
	for (i = 0; i < 1000; i++) {
		b = sc_time_mono_us();
		assert_true(b >= a);
		a = b;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_known),
		cmocka_unit_test(test_now_shape),
		cmocka_unit_test(test_mono_never_goes_back),
	};
	return cmocka_run_group_tests_name("sc_time", tests, NULL, NULL);
}
