/* sc_password.c - Argon2id hashing, bcrypt verification for imported users. */
#include "sc_password.h"
#include "sc_b64.h"
#include "sc_buf.h"
#include "sc_config.h"
#include "sc_rand.h"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_LEN 16
#define HASH_LEN 32

int sc_password_acceptable(const char *pw, size_t len)
{
	return pw != NULL && len >= SC_PASSWORD_MIN && len <= SC_PASSWORD_MAX &&
	    memchr(pw, '\0', len) == NULL && sc_utf8_valid(pw, len);
}

static void cost(uint32_t *t, uint32_t *m, uint32_t *p)
{
	*t = (uint32_t)sc_config_int(SC_CFG_PASSWORD_ARGON2_TIME);
	*m = (uint32_t)sc_config_int(SC_CFG_PASSWORD_ARGON2_MEMORY_KIB);
	*p = (uint32_t)sc_config_int(SC_CFG_PASSWORD_ARGON2_LANES);
}

/* Argon2's working memory (m KiB, 19 MiB and more) is kept for the life of
 * the process and reused by every hash: a FastCGI program hashes on every
 * login, and a fresh block per hash costs its page faults each time (3x the
 * hash under ASan, whose allocator maps and unmaps every such block; glibc
 * keeps it after the first free anyway). libargon2 wipes the block before
 * handing it back (ARGON2_DEFAULT_FLAGS clears internal memory). */
static uint8_t *work_mem;
static size_t work_cap;

static int work_alloc(uint8_t **memory, size_t bytes)
{
	if (bytes > work_cap) {
		free(work_mem);
		work_cap = 0;
		if ((work_mem = malloc(bytes)) == NULL)
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		work_cap = bytes;
	}
	*memory = work_mem;
	return ARGON2_OK;
}

static void work_keep(uint8_t *memory, size_t bytes)
{
	(void)memory;
	(void)bytes;
}

/* Argon2id (version 0x13 or 0x10) of pw with salt and cost into out[outlen];
 * ARGON2_OK or an error. */
static int argon2id_raw(const char *pw, size_t len, const uint8_t *salt, size_t saltlen,
    uint32_t version, uint32_t t, uint32_t m, uint32_t p, uint8_t *out, size_t outlen)
{
	argon2_context c = {
		.out = out, .outlen = (uint32_t)outlen,
		.pwd = (uint8_t *)(uintptr_t)pw, .pwdlen = (uint32_t)len,
		.salt = (uint8_t *)(uintptr_t)salt, .saltlen = (uint32_t)saltlen,
		.t_cost = t, .m_cost = m, .lanes = p, .threads = p,
		.version = version,
		.allocate_cbk = work_alloc, .free_cbk = work_keep,
		.flags = ARGON2_DEFAULT_FLAGS,
	};

	return argon2id_ctx(&c);
}

/* unpadded standard base64, as the PHC string format writes salt and hash */
static void b64_nopad(const uint8_t *in, size_t n, char *out)
{
	size_t k;

	sc_b64_encode(in, n, out);
	k = strlen(out);
	while (k > 0 && out[k - 1] == '=')
		out[--k] = '\0';
}

int sc_password_hash(const char *pw, size_t len, char *out)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char s64[SC_B64_LEN(SALT_LEN) + 1], h64[SC_B64_LEN(HASH_LEN) + 1];
	uint32_t t, m, p;
	int n;

	cost(&t, &m, &p);
	sc_rand_bytes(salt, sizeof(salt));
	if (argon2id_raw(pw, len, salt, sizeof(salt), ARGON2_VERSION_13, t, m, p, hash,
	    sizeof(hash)) != ARGON2_OK)
		return -1;
	b64_nopad(salt, sizeof(salt), s64);
	b64_nopad(hash, sizeof(hash), h64);
	OPENSSL_cleanse(hash, sizeof(hash));
	n = snprintf(out, SC_PASSWORD_HASH_MAX, "$argon2id$v=%d$m=%u,t=%u,p=%u$%s$%s",
	    ARGON2_VERSION_13, (unsigned)m, (unsigned)t, (unsigned)p, s64, h64);
	return n > 0 && n < SC_PASSWORD_HASH_MAX ? 0 : -1;
}

/* Decode one unpadded base64 field of a PHC string (4..64 bytes). */
static int phc_field(const char *s, size_t n, uint8_t *out, size_t *outlen)
{
	char padded[SC_B64_LEN(64) + 1];

	if (n == 0 || n >= SC_B64_LEN(64) || n % 4 == 1)
		return -1;
	memcpy(padded, s, n);
	while (n % 4 != 0)
		padded[n++] = '=';
	return sc_b64_decode(padded, n, out, 64, outlen) == 0 && *outlen >= 4 ? 0 : -1;
}

/* Verify pw against "$argon2id$v=V$m=M,t=T,p=P$SALT$HASH" (no v=: version
 * 0x10) and report the version and cost it was made with. 1 match; 0
 * mismatch or malformed. */
static int verify_argon2id(const char *pw, size_t len, const char *hash, unsigned *v,
    unsigned *m, unsigned *t, unsigned *p)
{
	uint8_t salt[64], want[64], got[64];
	size_t saltlen, wantlen;
	const char *s, *h;
	int off = 0, ok;

	*v = ARGON2_VERSION_10;
	if (strncmp(hash, "$argon2id$v=", 12) == 0) {
		if (sscanf(hash, "$argon2id$v=%u$m=%u,t=%u,p=%u$%n", v, m, t, p, &off) != 4)
			return 0;
	} else if (sscanf(hash, "$argon2id$m=%u,t=%u,p=%u$%n", m, t, p, &off) != 3) {
		return 0;
	}
	if (off == 0 || (*v != ARGON2_VERSION_10 && *v != ARGON2_VERSION_13))
		return 0;
	s = hash + off;
	if ((h = strchr(s, '$')) == NULL || phc_field(s, (size_t)(h - s), salt, &saltlen) < 0 ||
	    phc_field(h + 1, strlen(h + 1), want, &wantlen) < 0 || *p == 0 || *p > 16)
		return 0;
	if (argon2id_raw(pw, len, salt, saltlen, *v, *t, *m, *p, got, wantlen) != ARGON2_OK)
		return 0;
	ok = CRYPTO_memcmp(got, want, wantlen) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

static int verify_bcrypt(const char *pw, size_t len, const char *hash)
{
	struct crypt_data *cd;
	char *pwz;
	const char *res;
	int ok = 0;

	/* bcrypt reads at most 72 bytes and stops at NUL: compare what it saw. */
	if (len > 72)
		len = 72;
	cd = calloc(1, sizeof(*cd));
	pwz = calloc(1, len + 1);
	if (cd == NULL || pwz == NULL)
		goto out;
	memcpy(pwz, pw, len);
	res = crypt_r(pwz, hash, cd);
	if (res != NULL && res[0] == '$' && strlen(res) == strlen(hash))
		ok = CRYPTO_memcmp(res, hash, strlen(hash)) == 0;
out:
	if (pwz) {
		OPENSSL_cleanse(pwz, len + 1);
		free(pwz);
	}
	if (cd) {
		OPENSSL_cleanse(cd, sizeof(*cd));
		free(cd);
	}
	return ok;
}

int sc_password_verify(const char *pw, size_t len, const char *hash, int *rehash)
{
	unsigned v, m, t, p;
	uint32_t ct, cm, cp;

	*rehash = 0;
	if (hash == NULL)
		return 0;
	if (strncmp(hash, "$argon2id$", 10) == 0) {
		/* A mismatch and a malformed stored hash both mean "no". */
		if (!verify_argon2id(pw, len, hash, &v, &m, &t, &p))
			return 0;
		cost(&ct, &cm, &cp);
		if (v != ARGON2_VERSION_13 || m < cm || t < ct || p < cp)
			*rehash = 1;
		return 1;
	}
	if (strncmp(hash, "$2a$", 4) == 0 || strncmp(hash, "$2b$", 4) == 0 ||
	    strncmp(hash, "$2y$", 4) == 0) {
		if (!verify_bcrypt(pw, len, hash))
			return 0;
		*rehash = 1;
		return 1;
	}
	return 0;
}

void sc_password_verify_dummy(const char *pw, size_t len)
{
	/* Hashed once per process with the configured cost, so the dummy check
	 * costs what a real one does. */
	static char dummy[SC_PASSWORD_HASH_MAX];
	int rehash;

	if (dummy[0] == '\0' && sc_password_hash("dummy-password-for-timing", 25, dummy) < 0)
		return;
	(void)sc_password_verify(pw, len, dummy, &rehash);
}
