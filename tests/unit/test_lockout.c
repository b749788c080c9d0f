/* test_lockout.c - failed-login counting and the account lock, against the
 * Redis run.sh starts. Each test uses its own address (t_unique). */
#include "t_redis.h"

#include "sc_lockout.h"

static sc_redis *r;

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	r = sc_redis_new();
	assert_non_null(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_redis_free(r);
	r = NULL;
	t_env_clear();
	return 0;
}

static long long locked_for(const char *email)
{
	long long s = -99;
	int unavail = 7;
	assert_int_equal(sc_lockout_check(r, email, &s, &unavail), 0);
	assert_int_equal(unavail, 0);
	return s;
}

static void fail_once(const char *email)
{
	int unavail = 7;
	assert_int_equal(sc_lockout_fail(r, email, &unavail), 0);
	assert_int_equal(unavail, 0);
}

static void test_five_failures_lock(void **state)
{
	char email[96];
	long long s;
	int i;
	(void)state;
	t_unique(email, sizeof(email), "u-");
	strcat(email, "@example.com");
	assert_int_equal(locked_for(email), 0);
	for (i = 0; i < 4; i++) {
		fail_once(email);
		assert_int_equal(locked_for(email), 0);
	}
	fail_once(email);
	s = locked_for(email);
	assert_true(s > 0);
	assert_true(s <= 900);
	/* still locked on the next check; further failures keep it locked */
	assert_true(locked_for(email) > 0);
	fail_once(email);
	assert_true(locked_for(email) > 0);
}

static void test_clear_unlocks(void **state)
{
	char email[96];
	int i, unavail = 7;
	(void)state;
	t_unique(email, sizeof(email), "c-");
	strcat(email, "@example.com");
	for (i = 0; i < 5; i++)
		fail_once(email);
	assert_true(locked_for(email) > 0);
	assert_int_equal(sc_lockout_clear(r, email, &unavail), 0);
	assert_int_equal(unavail, 0);
	assert_int_equal(locked_for(email), 0);
	/* the count starts again from zero */
	for (i = 0; i < 4; i++)
		fail_once(email);
	assert_int_equal(locked_for(email), 0);
	fail_once(email);
	assert_true(locked_for(email) > 0);
	/* clearing an address with no failures is fine */
	assert_int_equal(sc_lockout_clear(r, "nobody-here@example.com", &unavail), 0);
}

static void test_accounts_separate(void **state)
{
	char a[96], b[96];
	int i;
	(void)state;
	t_unique(a, sizeof(a), "a-");
	strcat(a, "@example.com");
	t_unique(b, sizeof(b), "b-");
	strcat(b, "@example.com");
	for (i = 0; i < 5; i++)
		fail_once(a);
	fail_once(b);
	assert_true(locked_for(a) > 0);
	assert_int_equal(locked_for(b), 0);
}

static void test_max_failures_from_config(void **state)
{
	char email[96];
	long long s;
	(void)state;
	t_config_services("LOGIN_MAX_FAILURES", "3", "LOGIN_LOCK_SECONDS", "120", NULL);
	t_unique(email, sizeof(email), "m-");
	strcat(email, "@example.com");
	fail_once(email);
	fail_once(email);
	assert_int_equal(locked_for(email), 0);
	fail_once(email);
	s = locked_for(email);
	assert_true(s > 0);
	assert_true(s <= 120);
	/* with the default of 5, three failures are not a lock */
	t_config_services(NULL);
	assert_int_equal(locked_for(email), 0);
}

static void test_one_failure_allowed(void **state)
{
	char email[96];
	(void)state;
	t_config_services("LOGIN_MAX_FAILURES", "1", NULL);
	t_unique(email, sizeof(email), "o-");
	strcat(email, "@example.com");
	assert_int_equal(locked_for(email), 0);
	fail_once(email);
	assert_true(locked_for(email) > 0);
}

/* The counter expires by itself within the window. */
static void test_counter_expires(void **state)
{
	char email[96], key[160];
	long long ttl;
	(void)state;
	t_unique(email, sizeof(email), "e-");
	strcat(email, "@example.com");
	fail_once(email);
	snprintf(key, sizeof(key), "lock:login:%s", email);
	ttl = t_redis_int(r, 2, "TTL", key);
	assert_true(ttl > 0 && ttl <= 900);
}

static void test_redis_unreachable(void **state)
{
	sc_redis *down;
	long long s = -99;
	int unavail = 0;
	(void)state;
	t_config_services("REDIS_PORT", T_CLOSED_PORT, NULL);
	down = sc_redis_new();
	assert_int_equal(sc_lockout_check(down, "x@example.com", &s, &unavail), -1);
	assert_int_equal(unavail, 1);
	unavail = 0;
	assert_int_equal(sc_lockout_fail(down, "x@example.com", &unavail), -1);
	assert_int_equal(unavail, 1);
	unavail = 0;
	assert_int_equal(sc_lockout_clear(down, "x@example.com", &unavail), -1);
	assert_int_equal(unavail, 1);
	sc_redis_free(down);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_five_failures_lock),
		T(test_clear_unlocks),
		T(test_accounts_separate),
		T(test_max_failures_from_config),
		T(test_one_failure_allowed),
		T(test_counter_expires),
		T(test_redis_unreachable),
	};
	return cmocka_run_group_tests_name("sc_lockout", tests, NULL, NULL);
}
