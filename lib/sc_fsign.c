/* sc_fsign.c - HMAC-SHA256 signed URLs of the local storage backend. */
#include "sc_fsign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <string.h>

#include "sc_buf.h"
#include "sc_config.h"
#include "sc_b64.h"

static const char DERIVE_LABEL[] = "secureconnect storage url key v1";

/* The signing key into key[32] (wipe it after use). */
static void url_key(unsigned char *key)
{
	sc_str k = sc_config_secret(SC_CFG_STORAGE_URL_KEY);
	unsigned int len = 0;

	if (k.len > 0) {
		/* a key longer than the block is hashed by HMAC anyway; fold it to 32 bytes */
		HMAC(EVP_sha256(), k.ptr, (int)k.len, (const unsigned char *)"k", 1, key, &len);
		return;
	}
	k = sc_config_secret(SC_CFG_JWT_SECRET);
	HMAC(EVP_sha256(), k.ptr, (int)k.len, (const unsigned char *)DERIVE_LABEL,
	    sizeof(DERIVE_LABEL) - 1, key, &len);
}

void sc_fsign_make(const char *method, const char *file_id, long long expires, char *out)
{
	unsigned char key[32], mac[32];
	unsigned int len = 0;
	char msg[256];
	int n;

	n = snprintf(msg, sizeof(msg), "%s\n%s\n%lld", method, file_id, expires);
	if (n < 0 || (size_t)n >= sizeof(msg)) {   /* never with a method and a UUID */
		out[0] = '\0';
		return;
	}
	url_key(key);
	HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)msg, (size_t)n, mac, &len);
	sc_b64url_encode(mac, sizeof(mac), out);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(mac, sizeof(mac));
}

int sc_fsign_check(const char *method, const char *file_id, const char *expires,
    const char *sig, long long now)
{
	char want[SC_FSIGN_LEN + 1];
	long long exp;
	int same;

	/* one spelling per URL: no leading zeros */
	if (expires == NULL || sig == NULL || strlen(sig) != SC_FSIGN_LEN ||
	    (expires[0] == '0' && expires[1] != '\0') ||
	    sc_parse_i64(expires, strlen(expires), 0, 253402300799LL, &exp) < 0)
		return SC_FSIGN_BAD;
	sc_fsign_make(method, file_id, exp, want);
	same = want[0] != '\0' && CRYPTO_memcmp(want, sig, SC_FSIGN_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!same)
		return SC_FSIGN_BAD;
	return now > exp ? SC_FSIGN_EXPIRED : SC_FSIGN_OK;
}
