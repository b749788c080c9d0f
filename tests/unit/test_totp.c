/* test_totp.c - RFC 6238 appendix B (SHA-1) vectors in 8 and 6 digits, the
 * window and replay rule of sc_totp_verify, RFC 4648 section 10 base32
 * vectors and what the decoder refuses, the otpauth URI. */
#include "t_common.h"

#include "sc_totp.h"

static const unsigned char KEY[] = "12345678901234567890";

static const struct { long long t; uint32_t code; } RFC6238[] = {
	{ 59, 94287082 }, { 1111111109, 7081804 }, { 1111111111, 14050471 },
	{ 1234567890, 89005924 }, { 2000000000, 69279037 }, { 20000000000LL, 65353130 },
};

static void test_rfc6238(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(RFC6238) / sizeof(RFC6238[0]); i++) {
		uint64_t step = (uint64_t)RFC6238[i].t / 30;
		assert_int_equal(sc_totp_code(KEY, 20, step, 8), RFC6238[i].code);
		/* 6 digits: the same truncation modulo 10^6 */
		assert_int_equal(sc_totp_code(KEY, 20, step, 6), RFC6238[i].code % 1000000);
	}
	assert_int_equal(sc_totp_step(59), 1);
	assert_int_equal(sc_totp_step(60), 2);
}

static void code6(long long t, char out[7])
{
	snprintf(out, 7, "%06u", sc_totp_code(KEY, 20, (uint64_t)(t / 30), 6));
}

static void test_verify_window(void **state)
{
	char c[7];
	time_t now = 1234567890;
	long long s = now / 30;
	(void)state;
	code6(now, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, 0), s);
	/* one step either side */
	code6(now - 30, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, 0), s - 1);
	code6(now + 30, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, 0), s + 1);
	/* two steps away: refused */
	code6(now - 60, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, 0), -1);
	code6(now + 60, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, 0), -1);
	/* replay: a step not after the last accepted one is refused */
	code6(now, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, s), -1);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, s - 1), s);
	code6(now - 30, c);
	assert_int_equal(sc_totp_verify(KEY, 20, c, 6, now, s), -1);
	/* shape */
	assert_int_equal(sc_totp_verify(KEY, 20, "12345", 5, now, 0), -1);
	assert_int_equal(sc_totp_verify(KEY, 20, "1234567", 7, now, 0), -1);
	assert_int_equal(sc_totp_verify(KEY, 20, "12a456", 6, now, 0), -1);
	/* the 8-digit value of the vector is not a 6-digit code */
	assert_int_equal(sc_totp_verify(KEY, 20, "89005924", 8, now, 0), -1);
	assert_int_equal(sc_totp_verify(KEY, 20, "005924", 6, now, 0), s);
}

static const char *const B32[][2] = {
	{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" }, { "foob", "MZXW6YQ" },
	{ "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
};

static void test_base32(void **state)
{
	char enc[64];
	unsigned char dec[64], in[20], out[20];
	size_t i, n;
	(void)state;
	for (i = 0; i < sizeof(B32) / sizeof(B32[0]); i++) {
		sc_base32_encode((const unsigned char *)B32[i][0], strlen(B32[i][0]), enc);
		assert_string_equal(enc, B32[i][1]);
		assert_int_equal(strlen(enc), SC_B32_LEN(strlen(B32[i][0])));
		assert_int_equal(sc_base32_decode(B32[i][1], strlen(B32[i][1]), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(B32[i][0]));
		assert_memory_equal(dec, B32[i][0], n);
	}
	assert_int_equal(sc_base32_decode("mzxw6ytboi", 10, dec, sizeof(dec), &n), 0);
	assert_memory_equal(dec, "foobar", 6);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 53 + 7);
	sc_base32_encode(in, sizeof(in), enc);
	assert_int_equal(strlen(enc), SC_TOTP_B32_LEN);
	assert_int_equal(sc_base32_decode(enc, strlen(enc), out, sizeof(out), &n), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(in, out, 20);
	/* refused: padding, alphabet, impossible lengths, non-zero spare bits, room */
	assert_int_equal(sc_base32_decode("MY======", 8, dec, sizeof(dec), &n), -1);
	assert_int_equal(sc_base32_decode("M1", 2, dec, sizeof(dec), &n), -1);
	assert_int_equal(sc_base32_decode("MZX", 3, dec, sizeof(dec), &n), -1);
	assert_int_equal(sc_base32_decode("M", 1, dec, sizeof(dec), &n), -1);
	assert_int_equal(sc_base32_decode("MZ", 2, dec, sizeof(dec), &n), -1);
	assert_int_equal(sc_base32_decode("MZXW6YTBOI", 10, dec, 5, &n), -1);
}

static void test_uri(void **state)
{
	char u[256], small[40];
	(void)state;
	assert_int_equal(sc_totp_uri(u, sizeof(u), "Secure Connect", "a+b@x.org", "MZXW6"), 0);
	assert_string_equal(u, "otpauth://totp/Secure%20Connect:a%2Bb%40x.org?secret=MZXW6"
	    "&issuer=Secure%20Connect&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(sc_totp_uri(small, sizeof(small), "SecureConnect", "a@x.org", "MZXW6"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238),
		cmocka_unit_test(test_verify_window),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
