/* test_password.c - Argon2id hashing, legacy bcrypt verification, input rules. */
#include "t_common.h"

#include <argon2.h>

#include "sc_password.h"

#define PW   "correct horse battery staple"
#define PWL  (sizeof(PW) - 1)

/* `htpasswd -bnBC 10 "" password` (Apache's bcrypt, $2y$). */
#define HTPASSWD_PASSWORD "$2y$10$S6U2gBb59c3ziTwImMmREeKeODMCg4.9T3sFzsiq3/.jwxDH4FC9m"

/* OpenBSD / Openwall crypt_blowfish test vectors. */
static const struct { const char *hash, *pw; } vectors[] = {
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U" },
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*" },
	{ "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U" },
	{ "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "\xa3" },
	{ "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "\xa3" },
	{ "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "\xa3" },
	{ "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", "\xff\xff\xa3" },
	{ "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85.", "\xff\xff\xa3" },
	{ HTPASSWD_PASSWORD, "password" },
	{ "$2b$10$S6U2gBb59c3ziTwImMmREeKeODMCg4.9T3sFzsiq3/.jwxDH4FC9m", "password" },
	{ "$2a$10$S6U2gBb59c3ziTwImMmREeKeODMCg4.9T3sFzsiq3/.jwxDH4FC9m", "password" },
};

/* 72 characters, then text bcrypt never sees. */
#define P72 "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define LONG_HASH "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"

static int setup(void **state)
{
	(void)state;
	t_config(NULL);
	t_quiet_log();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_env_clear();
	return 0;
}

static int verify(const char *pw, size_t len, const char *hash, int *rehash)
{
	*rehash = 7;
	return sc_password_verify(pw, len, hash, rehash);
}

/* An Argon2id hash of PW with explicit parameters. */
static void argon2id_with(uint32_t t, uint32_t m, uint32_t p, char *out, size_t n)
{
	static const unsigned char salt[16] = "0123456789abcdef";
	assert_int_equal(argon2id_hash_encoded(t, m, p, PW, PWL, salt, sizeof(salt), 32, out, n),
	    ARGON2_OK);
}

static void test_hash_verify_round_trip(void **state)
{
	char h[SC_PASSWORD_HASH_MAX], h2[SC_PASSWORD_HASH_MAX];
	int rehash;
	(void)state;
	assert_int_equal(sc_password_hash(PW, PWL, h), 0);
	assert_true(strlen(h) < SC_PASSWORD_HASH_MAX);
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 0);
	/* wrong password, one byte off, a prefix, and a longer one */
	assert_int_equal(verify("correct horse battery stapLe", PWL, h, &rehash), 0);
	assert_int_equal(rehash, 0);
	assert_int_equal(verify(PW, PWL - 1, h, &rehash), 0);
	assert_int_equal(verify(PW "!", PWL + 1, h, &rehash), 0);
	assert_int_equal(verify("", 0, h, &rehash), 0);
	/* a fresh salt every time */
	assert_int_equal(sc_password_hash(PW, PWL, h2), 0);
	assert_string_not_equal(h, h2);
	assert_int_equal(verify(PW, PWL, h2, &rehash), 1);
	/* the password is never in the hash */
	assert_null(strstr(h, "horse"));
}

/* Argon2id hashes every byte: an embedded NUL and what follows it count. */
static void test_argon2_binary_password(void **state)
{
	char h[SC_PASSWORD_HASH_MAX];
	int rehash;
	(void)state;
	assert_int_equal(sc_password_hash("abcdefgh\0ijk", 12, h), 0);
	assert_int_equal(verify("abcdefgh\0ijk", 12, h, &rehash), 1);
	assert_int_equal(verify("abcdefgh\0xyz", 12, h, &rehash), 0);
	assert_int_equal(verify("abcdefgh", 8, h, &rehash), 0);
}

static void test_phc_parameters(void **state)
{
	char h[SC_PASSWORD_HASH_MAX], salt[64], hash[64];
	unsigned m = 0, t = 0, p = 0;
	int n = 0;
	(void)state;
	assert_int_equal(sc_password_hash(PW, PWL, h), 0);
	assert_int_equal(strncmp(h, "$argon2id$v=19$", 15), 0);
	assert_int_equal(sscanf(h, "$argon2id$v=19$m=%u,t=%u,p=%u$%63[^$]$%63s%n", &m, &t, &p,
	    salt, hash, &n), 5);
	assert_int_equal((size_t)n, strlen(h));
	assert_true(m >= 19456);
	assert_true(t >= 2);
	assert_int_equal(p, 1);
	assert_int_equal(strlen(salt), 22);   /* 16 bytes, unpadded base64 */
	assert_int_equal(strlen(hash), 43);   /* 32 bytes */
	/* the string sc_password_hash writes itself is the one libargon2 reads */
	assert_int_equal(argon2id_verify(h, PW, PWL), ARGON2_OK);
	assert_int_not_equal(argon2id_verify(h, PW, PWL - 1), ARGON2_OK);
}

static void test_cost_from_config(void **state)
{
	char h[SC_PASSWORD_HASH_MAX], old[SC_PASSWORD_HASH_MAX];
	unsigned m = 0, t = 0, p = 0;
	int rehash;
	(void)state;
	assert_int_equal(sc_password_hash(PW, PWL, old), 0);
	t_config("PASSWORD_ARGON2_MEMORY_KIB", "20480", "PASSWORD_ARGON2_TIME", "3",
	    "PASSWORD_ARGON2_LANES", "2", NULL);
	assert_int_equal(sc_password_hash(PW, PWL, h), 0);
	assert_int_equal(sscanf(h, "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &p), 3);
	assert_int_equal(m, 20480);
	assert_int_equal(t, 3);
	assert_int_equal(p, 2);
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 0);
	/* a default-cost hash is now too weak */
	assert_int_equal(verify(PW, PWL, old, &rehash), 1);
	assert_int_equal(rehash, 1);
}

static void test_rehash_weaker_argon2id(void **state)
{
	char h[SC_PASSWORD_HASH_MAX];
	int rehash;
	(void)state;
	argon2id_with(1, 19456, 1, h, sizeof(h));      /* t too low */
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 1);
	assert_int_equal(verify("wrong password", 14, h, &rehash), 0);
	assert_int_equal(rehash, 0);
	argon2id_with(2, 8192, 1, h, sizeof(h));       /* m too low */
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 1);
	argon2id_with(2, 19456, 1, h, sizeof(h));      /* exactly the config */
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 0);
	argon2id_with(3, 24576, 2, h, sizeof(h));      /* stronger: kept */
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 0);
}

/* An Argon2id hash of the older version 0x10 verifies but is replaced. */
static void test_rehash_old_argon2_version(void **state)
{
	static const unsigned char salt[16] = "0123456789abcdef";
	char h[SC_PASSWORD_HASH_MAX];
	int rehash;
	(void)state;
	assert_int_equal(argon2_hash(2, 19456, 1, PW, PWL, salt, 16, NULL, 32, h, sizeof(h),
	    Argon2_id, ARGON2_VERSION_10), ARGON2_OK);
	assert_int_equal(strncmp(h, "$argon2id$v=16$", 15), 0);
	assert_int_equal(verify(PW, PWL, h, &rehash), 1);
	assert_int_equal(rehash, 1);
}

static void test_bcrypt_vectors(void **state)
{
	size_t i;
	int rehash;
	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *pw = vectors[i].pw;
		if (verify(pw, strlen(pw), vectors[i].hash, &rehash) != 1)
			fail_msg("vector %zu (%s) did not verify", i, vectors[i].hash);
		assert_int_equal(rehash, 1);
		assert_int_equal(verify("U*U*U*U", 7, vectors[i].hash, &rehash), 0);
		assert_int_equal(rehash, 0);
	}
	/* htpasswd's hash: near misses */
	assert_int_equal(verify("Password", 8, HTPASSWD_PASSWORD, &rehash), 0);
	assert_int_equal(verify("password ", 9, HTPASSWD_PASSWORD, &rehash), 0);
	assert_int_equal(verify("passwor", 7, HTPASSWD_PASSWORD, &rehash), 0);
	assert_int_equal(verify("", 0, HTPASSWD_PASSWORD, &rehash), 0);
}

/* A changed byte in the stored hash, or one cut short, never matches. */
static void test_bcrypt_damaged_hash(void **state)
{
	char h[80];
	int rehash;
	(void)state;
	strcpy(h, HTPASSWD_PASSWORD);
	h[40] = h[40] == 'a' ? 'b' : 'a';
	assert_int_equal(verify("password", 8, h, &rehash), 0);
	strcpy(h, HTPASSWD_PASSWORD);
	h[strlen(h) - 5] = '\0';
	assert_int_equal(verify("password", 8, h, &rehash), 0);
	strcpy(h, HTPASSWD_PASSWORD);
	h[29] = '\0';                       /* the salt alone */
	assert_int_equal(verify("password", 8, h, &rehash), 0);
	strcpy(h, "$2y$10$");
	assert_int_equal(verify("password", 8, h, &rehash), 0);
	/* cost 10 written as 11 */
	strcpy(h, HTPASSWD_PASSWORD);
	h[5] = '1';
	assert_int_equal(verify("password", 8, h, &rehash), 0);
}

/* bcrypt uses the first 72 bytes, and stops at a NUL: so does verification. */
static void test_bcrypt_72_byte_truncation(void **state)
{
	static const char full[] = P72 "chars after 72 are ignored";
	int rehash;
	(void)state;
	assert_int_equal(strlen(P72), 72);
	assert_int_equal(verify(full, strlen(full), LONG_HASH, &rehash), 1);
	assert_int_equal(rehash, 1);
	assert_int_equal(verify(P72, 72, LONG_HASH, &rehash), 1);
	assert_int_equal(verify(P72 "something else entirely", 95, LONG_HASH, &rehash), 1);
	/* the 72nd byte still counts */
	assert_int_equal(verify(P72, 71, LONG_HASH, &rehash), 0);
	assert_int_equal(verify(P72 "x", 71, LONG_HASH, &rehash), 0);
	{
		char alt[] = P72;
		alt[71] = '8';
		assert_int_equal(verify(alt, 72, LONG_HASH, &rehash), 0);
	}
	/* len counts, not the terminating NUL: bytes past len are not read */
	assert_int_equal(verify("passwordXYZ", 8, HTPASSWD_PASSWORD, &rehash), 1);
	/* bcrypt sees "password" before the NUL */
	assert_int_equal(verify("password\0tail", 13, HTPASSWD_PASSWORD, &rehash), 1);
}

static void test_unknown_formats_never_match(void **state)
{
	char h[SC_PASSWORD_HASH_MAX];
	int rehash;
	static const char *const others[] = {
		"$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/",                          /* md5crypt "password" */
		"$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc."
		"eoxqOmSuNp2xS0ktL3nh/",                                        /* sha512crypt */
		"abJnggxhB/yWI",                                               /* DES crypt "test"... */
		"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", /* buggy $2x$ */
		"password",                                                    /* plain text */
		"",
		"$argon2id$",
		"$argon2id$v=19$m=19456,t=2,p=1$",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$!!!!",
		"$2y$",
		"$2y$10$short",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(verify("password", 8, others[i], &rehash), 0);
		assert_int_equal(rehash, 0);
		assert_int_equal(verify("test", 4, others[i], &rehash), 0);
		assert_int_equal(verify(others[i], strlen(others[i]), others[i], &rehash), 0);
	}
	assert_int_equal(verify("password", 8, NULL, &rehash), 0);
	assert_int_equal(rehash, 0);
	/* argon2i and argon2d are not argon2id */
	{
		static const unsigned char salt[16] = "0123456789abcdef";
		assert_int_equal(argon2i_hash_encoded(2, 19456, 1, PW, PWL, salt, 16, 32, h,
		    sizeof(h)), ARGON2_OK);
		assert_int_equal(verify(PW, PWL, h, &rehash), 0);
		assert_int_equal(argon2d_hash_encoded(2, 19456, 1, PW, PWL, salt, 16, 32, h,
		    sizeof(h)), ARGON2_OK);
		assert_int_equal(verify(PW, PWL, h, &rehash), 0);
	}
	/* a damaged Argon2id hash */
	argon2id_with(2, 19456, 1, h, sizeof(h));
	h[strlen(h) - 3] = h[strlen(h) - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(PW, PWL, h, &rehash), 0);
}

static void test_acceptable_bounds(void **state)
{
	static char big[SC_PASSWORD_MAX + 2];
	(void)state;
	assert_int_equal(sc_password_acceptable("1234567", 7), 0);
	assert_int_equal(sc_password_acceptable("12345678", 8), 1);
	assert_int_equal(sc_password_acceptable("", 0), 0);
	assert_int_equal(sc_password_acceptable(NULL, 8), 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(sc_password_acceptable(big, 1024), 1);
	assert_int_equal(sc_password_acceptable(big, 1025), 0);
	/* multi-byte characters: the limits count bytes */
	assert_int_equal(sc_password_acceptable("\xc3\xa9\xc3\xa9\xc3\xa9", 6), 0);
	assert_int_equal(sc_password_acceptable("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8), 1);
	assert_int_equal(sc_password_acceptable("p\xe2\x82\xac ssw\xf0\x9f\x94\x91rd", 14), 1);
}

static void test_acceptable_encoding(void **state)
{
	(void)state;
	assert_int_equal(sc_password_acceptable("abcdefg\xff", 8), 0);
	assert_int_equal(sc_password_acceptable("abcdefg\x80", 8), 0);
	assert_int_equal(sc_password_acceptable("abcdef\xc3", 7), 0);
	assert_int_equal(sc_password_acceptable("abcdefg\xc3", 8), 0);             /* truncated */
	assert_int_equal(sc_password_acceptable("abcdef\xc0\xaf", 8), 0);          /* overlong */
	assert_int_equal(sc_password_acceptable("abcde\xed\xa0\x80", 8), 0);       /* surrogate */
	assert_int_equal(sc_password_acceptable("abcd\xf4\x90\x80\x80", 8), 0);    /* > U+10FFFF */
	assert_int_equal(sc_password_acceptable("abcd\0efgh", 9), 0);
	assert_int_equal(sc_password_acceptable("abcdefgh\0", 9), 0);
	assert_int_equal(sc_password_acceptable("\0abcdefgh", 9), 0);
}

static void test_verify_dummy(void **state)
{
	(void)state;
	/* no result to look at: it must not crash or leak, twice */
	sc_password_verify_dummy(PW, PWL);
	sc_password_verify_dummy("x", 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hash_verify_round_trip),
		T(test_argon2_binary_password),
		T(test_phc_parameters),
		T(test_cost_from_config),
		T(test_rehash_weaker_argon2id),
		T(test_rehash_old_argon2_version),
		T(test_bcrypt_vectors),
		T(test_bcrypt_damaged_hash),
		T(test_bcrypt_72_byte_truncation),
		T(test_unknown_formats_never_match),
		T(test_acceptable_bounds),
		T(test_acceptable_encoding),
		T(test_verify_dummy),
	};
	return cmocka_run_group_tests_name("sc_password", tests, NULL, NULL);
}
