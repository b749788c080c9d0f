/* test_xeddsa.c - lib/sc_xeddsa.c: Ed25519 against RFC 8032 section 7.1
 * (tests 1-3), the Montgomery-to-Edwards conversion on known points, and
 * XEdDSA against signatures made by libsignal itself
 * (tests/unit/fixtures/xeddsa.txt, written by tests/e2ee/gen-fixtures.mjs),
 * each also with a bit flipped in R, in s, in the message, the sign bit
 * flipped, and under the wrong key: all of those must fail. */
#include "t_common.h"

#include <libgen.h>
#include <unistd.h>

#include "sc_xeddsa.h"

/* ------------------------------------------------------------------ helpers */

static int unhex(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	size_t len = strlen(s), i;

	if (strcmp(s, "-") == 0) {
		*n = 0;
		return 0;
	}
	if (len % 2 || len / 2 > cap)
		return -1;
	for (i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	*n = len / 2;
	return 0;
}

static void unhex_ok(const char *s, unsigned char *out, size_t want)
{
	size_t n;
	assert_int_equal(unhex(s, out, want, &n), 0);
	assert_int_equal(n, want);
}

/* ------------------------------------------------------------------ RFC 8032 7.1 */

static const struct {
	const char *pub, *msg, *sig;
} RFC8032[] = {
	{ /* TEST 1: empty message */
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "-",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ /* TEST 2: one byte */
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ /* TEST 3: two bytes */
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

static void test_rfc8032(void **state)
{
	size_t i, mlen;
	(void)state;
	for (i = 0; i < sizeof(RFC8032) / sizeof(RFC8032[0]); i++) {
		unsigned char pub[32], sig[64], msg[4], bad[64], m2[5];
		unhex_ok(RFC8032[i].pub, pub, 32);
		unhex_ok(RFC8032[i].sig, sig, 64);
		assert_int_equal(unhex(RFC8032[i].msg, msg, sizeof(msg), &mlen), 0);
		if (!sc_xeddsa_ed25519_verify(pub, msg, mlen, sig))
			fail_msg("RFC 8032 test %zu does not verify", i + 1);
		memcpy(bad, sig, 64);
		bad[3] ^= 0x01;
		assert_int_equal(sc_xeddsa_ed25519_verify(pub, msg, mlen, bad), 0);
		memcpy(bad, sig, 64);
		bad[40] ^= 0x01;
		assert_int_equal(sc_xeddsa_ed25519_verify(pub, msg, mlen, bad), 0);
		memcpy(m2, msg, mlen);
		m2[mlen] = 0;   /* one byte more */
		assert_int_equal(sc_xeddsa_ed25519_verify(pub, m2, mlen + 1, sig), 0);
		pub[0] ^= 0x02;
		assert_int_equal(sc_xeddsa_ed25519_verify(pub, msg, mlen, sig), 0);
	}
}

/* ------------------------------------------------------------------ conversion */

static void test_mont_to_ed(void **state)
{
	unsigned char u[32], ed[32], want[32];
	(void)state;
	/* u = 9, Curve25519's base point, maps to Ed25519's: y = 4/5 */
	memset(u, 0, sizeof(u));
	u[0] = 9;
	unhex_ok("5866666666666666666666666666666666666666666666666666666666666666", want, 32);
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 0, ed), 0);
	assert_memory_equal(ed, want, 32);
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 1, ed), 0);
	want[31] |= 0x80;
	assert_memory_equal(ed, want, 32);
	/* bit 255 of u is ignored */
	u[31] |= 0x80;
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 1, ed), 0);
	assert_memory_equal(ed, want, 32);
	/* u = p + 9 = 2^255 - 10 is reduced to 9 */
	memset(u, 0xff, sizeof(u));
	u[0] = 0xf6;
	u[31] = 0x7f;
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 1, ed), 0);
	assert_memory_equal(ed, want, 32);
	/* u = p - 1 = 2^255 - 20: u + 1 = 0, no point */
	u[0] = 0xec;
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 0, ed), -1);
	/* u = 0: y = -1 = p - 1, x = 0, the sign bit stays clear */
	memset(u, 0, sizeof(u));
	unhex_ok("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", want, 32);
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 1, ed), 0);
	assert_memory_equal(ed, want, 32);
	/* u = 1: y = 0 */
	u[0] = 1;
	memset(want, 0, sizeof(want));
	assert_int_equal(sc_xeddsa_mont_to_ed(u, 0, ed), 0);
	assert_memory_equal(ed, want, 32);
}

/* ------------------------------------------------------------------ libsignal fixtures */

#define MAX_VEC 64
#define MAX_MSG 2048

typedef struct {
	unsigned char pub[33], sig[64], msg[MAX_MSG];
	size_t mlen;
} vec;

static vec V[MAX_VEC];
static size_t NV;

/* The fixture file beside this source: relative to the working directory
 * (make runs from the repository root), else to the binary
 * (build[/asan]/tests/unit/test_xeddsa). */
static FILE *open_fixtures(void)
{
	char exe[4096], path[4200];
	const char *rel = "tests/unit/fixtures/xeddsa.txt";
	FILE *f = fopen(rel, "r");
	ssize_t n;
	int up;

	if (f != NULL)
		return f;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (up = 3; up <= 4 && f == NULL; up++) {
		char dir[4096];
		int k;
		snprintf(dir, sizeof(dir), "%s", exe);
		for (k = 0; k < up; k++)
			snprintf(dir, sizeof(dir), "%s", dirname(dir));
		if (snprintf(path, sizeof(path), "%s/%s", dir, rel) < (int)sizeof(path))
			f = fopen(path, "r");
	}
	return f;
}

static int load(void **state)
{
	static char line[8192];
	FILE *f = open_fixtures();
	(void)state;
	if (f == NULL)
		fail_msg("tests/unit/fixtures/xeddsa.txt not found (run from the repository root)");
	NV = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *pub, *msg, *sig, *save = NULL;
		size_t n;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		pub = strtok_r(line, " \n", &save);
		msg = strtok_r(NULL, " \n", &save);
		sig = strtok_r(NULL, " \n", &save);
		if (pub == NULL || msg == NULL || sig == NULL || NV == MAX_VEC)
			fail_msg("fixture line %zu malformed", NV + 1);
		unhex_ok(pub, V[NV].pub, 33);
		unhex_ok(sig, V[NV].sig, 64);
		if (unhex(msg, V[NV].msg, MAX_MSG, &n) < 0)
			fail_msg("fixture line %zu: message", NV + 1);
		V[NV].mlen = n;
		NV++;
	}
	fclose(f);
	if (NV < 20)
		fail_msg("only %zu fixtures", NV);
	return 0;
}

static void test_libsignal_valid(void **state)
{
	size_t i, signs[2] = { 0, 0 }, kyber = 0;
	(void)state;
	for (i = 0; i < NV; i++) {
		assert_int_equal(V[i].pub[0], 0x05);
		if (!sc_xeddsa_verify(V[i].pub + 1, V[i].msg, V[i].mlen, V[i].sig))
			fail_msg("libsignal fixture %zu does not verify", i + 1);
		signs[V[i].sig[63] >> 7]++;
		kyber += V[i].mlen == 1569 && V[i].msg[0] == 0x08;
	}
	/* both conversions and the Kyber message are really covered */
	assert_true(signs[0] >= 5 && signs[1] >= 5);
	assert_true(kyber >= 3);
}

static void test_libsignal_tampered(void **state)
{
	size_t i, bit;
	(void)state;
	for (i = 0; i < NV; i++) {
		const vec *v = &V[i];
		unsigned char sig[64];
		static unsigned char msg[MAX_MSG + 1];
		size_t j;

		/* a bit of R, a bit of s (below the sign bit), each position */
		for (bit = 0; bit < 8; bit++) {
			memcpy(sig, v->sig, 64);
			sig[(i + bit) % 32] ^= (unsigned char)(1u << bit);
			if (sc_xeddsa_verify(v->pub + 1, v->msg, v->mlen, sig))
				fail_msg("fixture %zu: R with a bit flipped verifies", i + 1);
			memcpy(sig, v->sig, 64);
			sig[32 + (i + bit) % 31] ^= (unsigned char)(1u << bit);
			if (sc_xeddsa_verify(v->pub + 1, v->msg, v->mlen, sig))
				fail_msg("fixture %zu: s with a bit flipped verifies", i + 1);
		}
		/* the sign bit of A: the other Edwards point */
		memcpy(sig, v->sig, 64);
		sig[63] ^= 0x80;
		if (sc_xeddsa_verify(v->pub + 1, v->msg, v->mlen, sig))
			fail_msg("fixture %zu: the flipped sign bit verifies", i + 1);
		/* the message */
		memcpy(msg, v->msg, v->mlen);
		if (v->mlen > 0) {
			msg[v->mlen / 2] ^= 0x04;
			if (sc_xeddsa_verify(v->pub + 1, msg, v->mlen, v->sig))
				fail_msg("fixture %zu: a changed message verifies", i + 1);
			if (sc_xeddsa_verify(v->pub + 1, v->msg, v->mlen - 1, v->sig))
				fail_msg("fixture %zu: a shortened message verifies", i + 1);
		} else {
			msg[0] = 0;
			if (sc_xeddsa_verify(v->pub + 1, msg, 1, v->sig))
				fail_msg("fixture %zu: a longer message verifies", i + 1);
		}
		/* another key (the first fixture with a different key) */
		for (j = 0; j < NV && memcmp(V[j].pub, v->pub, 33) == 0; j++)
			;
		assert_true(j < NV);
		if (sc_xeddsa_verify(V[j].pub + 1, v->msg, v->mlen, v->sig))
			fail_msg("fixture %zu: verifies under another key", i + 1);
		/* the key with a bit flipped */
		memcpy(sig, v->pub + 1, 32);
		sig[7] ^= 0x20;
		if (sc_xeddsa_verify(sig, v->msg, v->mlen, v->sig))
			fail_msg("fixture %zu: verifies under a changed key", i + 1);
		/* the XEdDSA signature is not a plain Ed25519 one under u itself */
		if (sc_xeddsa_ed25519_verify(v->pub + 1, v->msg, v->mlen, v->sig))
			fail_msg("fixture %zu: verifies as Ed25519 under u", i + 1);
	}
}

/* s + q (q the group order) has the same value mod q and fits in 253 bits:
 * libsignal would accept it, OpenSSL (and so we) refuse a non-canonical s. */
static void test_noncanonical_s(void **state)
{
	static const unsigned char Q[32] = {   /* little-endian */
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
		0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};
	size_t i, k, tried = 0;
	(void)state;
	for (i = 0; i < NV; i++) {
		unsigned char sig[64];
		unsigned carry = 0;
		memcpy(sig, V[i].sig, 64);
		sig[63] &= 0x7f;
		for (k = 0; k < 32; k++) {
			unsigned t = sig[32 + k] + Q[k] + carry;
			sig[32 + k] = (unsigned char)t;
			carry = t >> 8;
		}
		if (sig[63] & 0xe0)
			continue;   /* s + q needs more than 253 bits: not this case */
		sig[63] |= V[i].sig[63] & 0x80;
		tried++;
		assert_int_equal(sc_xeddsa_verify(V[i].pub + 1, V[i].msg, V[i].mlen, sig), 0);
	}
	assert_true(tried > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_mont_to_ed),
		cmocka_unit_test_setup(test_libsignal_valid, load),
		cmocka_unit_test_setup(test_libsignal_tampered, load),
		cmocka_unit_test_setup(test_noncanonical_s, load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
