/* test_b64.c - strict standard base64: RFC 4648 section 10 vectors, round
 * trips of every length, and what the decoder refuses. */
#include "t_common.h"

#include "sc_b64.h"

static const char *const VEC[][2] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

static void test_vectors(void **state)
{
	char enc[16];
	unsigned char dec[16];
	size_t i, n;
	(void)state;
	for (i = 0; i < sizeof(VEC) / sizeof(VEC[0]); i++) {
		sc_b64_encode((const unsigned char *)VEC[i][0], strlen(VEC[i][0]), enc);
		assert_string_equal(enc, VEC[i][1]);
		assert_int_equal(strlen(enc), SC_B64_LEN(strlen(VEC[i][0])));
		assert_int_equal(sc_b64_decode(VEC[i][1], strlen(VEC[i][1]), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(VEC[i][0]));
		assert_memory_equal(dec, VEC[i][0], n);
	}
	/* unpadded spellings decode too */
	assert_int_equal(sc_b64_decode("Zg", 2, dec, sizeof(dec), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sc_b64_decode("Zm8", 3, dec, sizeof(dec), &n), 0);
	assert_int_equal(n, 2);
}

static void test_round_trip(void **state)
{
	unsigned char in[70], out[70];
	char enc[SC_B64_LEN(70) + 1];
	size_t len, i, n;
	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 250);
	for (len = 0; len <= sizeof(in); len++) {
		sc_b64_encode(in, len, enc);
		assert_int_equal(sc_b64_decode(enc, strlen(enc), out, len, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
		if (len > 0)   /* one byte too little room */
			assert_int_equal(sc_b64_decode(enc, strlen(enc), out, len - 1, &n), -1);
	}
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"Zg=", "Zg=a", "Z===", "Z", "Zm9vY", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n",
		"Zm-v", "Zm_v", "=Zm9", "Zm9v====", "Zg==Zg==", "Zm\0v",
	};
	unsigned char out[16];
	size_t i, n;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = i == sizeof(bad) / sizeof(bad[0]) - 1 ? 4 : strlen(bad[i]);
		if (sc_b64_decode(bad[i], len, out, sizeof(out), &n) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
