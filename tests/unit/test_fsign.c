/* test_fsign.c - signed URLs of the local storage backend: a signature binds
 * the method, the file and the expiry; forged, altered, truncated or expired
 * ones are refused; the key comes from STORAGE_URL_KEY or from JWT_SECRET. */
#include "t_common.h"

#include "sc_config.h"
#include "sc_fsign.h"

#define FILE_A "0190f1a2-0000-7000-8000-00000000000a"
#define FILE_B "0190f1a2-0000-7000-8000-00000000000b"

static void load(const char *url_key)
{
	const char *err = NULL;
	t_env_clear();
	setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
	if (url_key != NULL)
		setenv("STORAGE_URL_KEY", url_key, 1);
	if (sc_config_load(&err) != 0)
		fail_msg("load: %s", err);
}

static void test_round_trip(void **state)
{
	char sig[SC_FSIGN_LEN + 1];
	(void)state;
	load(NULL);
	sc_fsign_make("GET", FILE_A, 2000000000, sig);
	assert_int_equal(strlen(sig), SC_FSIGN_LEN);
	assert_int_equal(sc_fsign_check("GET", FILE_A, "2000000000", sig, 1999999999), SC_FSIGN_OK);
	assert_int_equal(sc_fsign_check("GET", FILE_A, "2000000000", sig, 2000000000), SC_FSIGN_OK);
	assert_int_equal(sc_fsign_check("GET", FILE_A, "2000000000", sig, 2000000001),
	    SC_FSIGN_EXPIRED);
}

static void test_bound(void **state)
{
	char sig[SC_FSIGN_LEN + 1], bad[SC_FSIGN_LEN + 1];
	(void)state;
	load(NULL);
	sc_fsign_make("PUT", FILE_A, 2000000000, sig);
	assert_int_equal(sc_fsign_check("GET", FILE_A, "2000000000", sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_B, "2000000000", sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "2000000001", sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "02000000000", sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, NULL, sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "2000000000", NULL, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "x", sig, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "-1", sig, 0), SC_FSIGN_BAD);
	memcpy(bad, sig, sizeof(bad));
	bad[SC_FSIGN_LEN - 1] = bad[SC_FSIGN_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "2000000000", bad, 0), SC_FSIGN_BAD);
	bad[SC_FSIGN_LEN - 1] = '\0';
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "2000000000", bad, 0), SC_FSIGN_BAD);
	assert_int_equal(sc_fsign_check("PUT", FILE_A, "2000000000", sig, 0), SC_FSIGN_OK);
}

static void test_keys(void **state)
{
	char derived[SC_FSIGN_LEN + 1], own[SC_FSIGN_LEN + 1], other[SC_FSIGN_LEN + 1];
	const char *err = NULL;
	(void)state;
	load(NULL);
	sc_fsign_make("GET", FILE_A, 2000000000, derived);
	load("a-storage-url-key-of-at-least-32-bytes!!");
	sc_fsign_make("GET", FILE_A, 2000000000, own);
	assert_string_not_equal(derived, own);
	assert_int_equal(sc_fsign_check("GET", FILE_A, "2000000000", derived, 0), SC_FSIGN_BAD);
	load("another-storage-url-key-of-32-bytes!!!!!");
	sc_fsign_make("GET", FILE_A, 2000000000, other);
	assert_string_not_equal(own, other);
	/* a short key is refused at start */
	t_env_clear();
	setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
	setenv("STORAGE_URL_KEY", "short", 1);
	assert_int_equal(sc_config_load(&err), -1);
	assert_true(strncmp(err, "STORAGE_URL_KEY:", 16) == 0);
	t_env_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
