/* sc_password.c - Argon2id hashing, bcrypt verification for imported users. */
#include "sc_password.h"
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

int sc_password_hash(const char *pw, size_t len, char *out)
{
	unsigned char salt[SALT_LEN];
	uint32_t t, m, p;

	cost(&t, &m, &p);
	sc_rand_bytes(salt, sizeof(salt));
	if (argon2id_hash_encoded(t, m, p, pw, len, salt, sizeof(salt), HASH_LEN, out,
	    SC_PASSWORD_HASH_MAX) != ARGON2_OK)
		return -1;
	return 0;
}

/* Parameters of a "$argon2id$v=19$m=..,t=..,p=..$" hash; -1 if not one. */
static int argon2_params(const char *hash, unsigned *m, unsigned *t, unsigned *p)
{
	return sscanf(hash, "$argon2id$v=19$m=%u,t=%u,p=%u$", m, t, p) == 3 ? 0 : -1;
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
	unsigned m, t, p;
	uint32_t ct, cm, cp;

	*rehash = 0;
	if (hash == NULL)
		return 0;
	if (strncmp(hash, "$argon2id$", 10) == 0) {
		/* A mismatch and a malformed stored hash both mean "no". */
		if (argon2id_verify(hash, pw, len) != ARGON2_OK)
			return 0;
		cost(&ct, &cm, &cp);
		if (argon2_params(hash, &m, &t, &p) < 0 || m < cm || t < ct || p < cp)
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
