/* test_seal.c - AES-256-GCM sealing: round trip, fresh nonces, tampering,
 * wrong additional data, wrong key, the key from TOTP_KEY or JWT_SECRET. */
#include "t_common.h"

#include <openssl/sha.h>

#include "sc_seal.h"

static const unsigned char PT[20] = "twenty byte secret!";
static const char UID[] = "8a1f4a4e-7a5c-4b7a-9d55-0f3e2b1c9a01";

static void test_round_trip(void **state)
{
	unsigned char a[sizeof(PT) + SC_SEAL_OVERHEAD], b[sizeof(a)], out[64];
	size_t n;
	(void)state;
	t_config(NULL);
	assert_int_equal(sc_seal(PT, sizeof(PT), UID, a), 0);
	assert_int_equal(sc_seal(PT, sizeof(PT), UID, b), 0);
	assert_memory_not_equal(a, b, SC_SEAL_NONCE);   /* a fresh nonce each time */
	assert_int_equal(sc_seal_open(a, sizeof(a), UID, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(PT));
	assert_memory_equal(out, PT, n);
	/* the plaintext does not appear in the sealed form */
	assert_null(memmem(a, sizeof(a), PT, 8));
	/* too little room, too short */
	assert_int_equal(sc_seal_open(a, sizeof(a), UID, out, sizeof(PT) - 1, &n), -1);
	assert_int_equal(sc_seal_open(a, SC_SEAL_OVERHEAD - 1, UID, out, sizeof(out), &n), -1);
	/* empty plaintext */
	assert_int_equal(sc_seal(PT, 0, UID, a), 0);
	assert_int_equal(sc_seal_open(a, SC_SEAL_OVERHEAD, UID, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
}

static void test_tamper(void **state)
{
	unsigned char a[sizeof(PT) + SC_SEAL_OVERHEAD], out[64];
	size_t n, i;
	(void)state;
	t_config(NULL);
	assert_int_equal(sc_seal(PT, sizeof(PT), UID, a), 0);
	for (i = 0; i < sizeof(a); i++) {   /* every byte: nonce, ciphertext, tag */
		a[i] ^= 0x01;
		if (sc_seal_open(a, sizeof(a), UID, out, sizeof(out), &n) != -1)
			fail_msg("opened with byte %zu flipped", i);
		a[i] ^= 0x01;
	}
	assert_int_equal(sc_seal_open(a, sizeof(a) - 1, UID, out, sizeof(out), &n), -1);
	/* another row's id: does not open */
	assert_int_equal(sc_seal_open(a, sizeof(a), "8a1f4a4e-7a5c-4b7a-9d55-0f3e2b1c9a02", out,
	    sizeof(out), &n), -1);
	assert_int_equal(sc_seal_open(a, sizeof(a), "", out, sizeof(out), &n), -1);
	assert_int_equal(sc_seal_open(a, sizeof(a), UID, out, sizeof(out), &n), 0);
}

static void test_keys(void **state)
{
	unsigned char a[sizeof(PT) + SC_SEAL_OVERHEAD], out[64], k1[32], k2[32], want[32];
	size_t n;
	(void)state;
	/* derived from JWT_SECRET: not the secret itself, not its plain hash */
	t_config(NULL);
	sc_seal_key(k1);
	SHA256((const unsigned char *)T_SECRET, strlen(T_SECRET), want);
	assert_memory_not_equal(k1, want, 32);
	assert_int_equal(sc_seal(PT, sizeof(PT), UID, a), 0);
	/* TOTP_KEY set: SHA-256 of it, and the old sealed value no longer opens */
	t_config("TOTP_KEY", "another-key-of-at-least-32-bytes-long", NULL);
	sc_seal_key(k2);
	SHA256((const unsigned char *)"another-key-of-at-least-32-bytes-long", 37, want);
	assert_memory_equal(k2, want, 32);
	assert_int_equal(sc_seal_open(a, sizeof(a), UID, out, sizeof(out), &n), -1);
	assert_int_equal(sc_seal_open_with(k1, a, sizeof(a), UID, out, sizeof(out), &n), 0);
	assert_memory_equal(out, PT, sizeof(PT));
	/* a short TOTP_KEY is refused at load */
	{
		const char *err = NULL;
		t_env_clear();
		setenv("JWT_SECRET", T_SECRET, 1);
		setenv("TOTP_KEY", "short", 1);
		assert_int_equal(sc_config_load(&err), -1);
		unsetenv("TOTP_KEY");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
