/* test_rand.c - random bytes and hex. */
#include "t_common.h"

#include "sc_b64.h"
#include "sc_rand.h"

static void all_hex(const char *s, size_t n)
{
	size_t i;
	assert_int_equal(strlen(s), n);
	for (i = 0; i < n; i++)
		assert_non_null(strchr("0123456789abcdef", s[i]));
}

static void test_hex_lengths(void **state)
{
	static const size_t sizes[] = { 0, 1, 16, 63, 64, 65, 200 };
	char out[2 * 200 + 1];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 'X', sizeof(out));
		sc_rand_hex(out, sizes[i]);
		all_hex(out, 2 * sizes[i]);
	}
}

static void test_hex_differs(void **state)
{
	char a[33], b[33];
	(void)state;
	sc_rand_hex(a, 16);
	sc_rand_hex(b, 16);
	assert_string_not_equal(a, b);   /* 2^-128 chance of a false failure */
}

/* Request ids from the per-process pool: same shape, never repeating, also
 * across pool refills (512 bytes = 32 ids of 16 bytes). */
static void test_id_hex(void **state)
{
	static char ids[100][33];
	char odd[2 * 37 + 1];
	int i, j;
	(void)state;
	for (i = 0; i < 100; i++) {
		sc_rand_id_hex(ids[i], 16);
		all_hex(ids[i], 32);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
	/* sizes that straddle a refill */
	for (i = 0; i < 40; i++) {
		sc_rand_id_hex(odd, 37);
		all_hex(odd, 74);
	}
	sc_rand_id_hex(odd, 0);
	assert_string_equal(odd, "");
}

static void test_hex_encode_known(void **state)
{
	static const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[13];
	(void)state;
	sc_hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "00017f80abff");
	sc_hex_encode(in, 0, out);
	assert_string_equal(out, "");
}

static void test_bytes_fill(void **state)
{
	unsigned char buf[4096];
	size_t i, zero = 0;
	(void)state;
	memset(buf, 0, sizeof(buf));
	sc_rand_bytes(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		zero += buf[i] == 0;
	/* ~16 expected; all-zero output would be a broken generator */
	assert_true(zero < 200);
}

/* RFC 4648 section 10 vectors, in the URL alphabet without padding. */
static void test_b64url_known(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },       /* the two characters that differ from base64 */
	};
	char out[16];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sc_b64url_encode((const unsigned char *)v[i].in, strlen(v[i].in), out);
		assert_string_equal(out, v[i].out);
	}
}

static void test_rand_b64url(void **state)
{
	char a[44], b[44];
	size_t i;
	(void)state;
	sc_rand_b64url(a, 32);
	sc_rand_b64url(b, 32);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (i = 0; i < 43; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_lengths),
		cmocka_unit_test(test_hex_differs),
		cmocka_unit_test(test_id_hex),
		cmocka_unit_test(test_hex_encode_known),
		cmocka_unit_test(test_bytes_fill),
		cmocka_unit_test(test_b64url_known),
		cmocka_unit_test(test_rand_b64url),
	};
	return cmocka_run_group_tests_name("sc_rand", tests, NULL, NULL);
}
