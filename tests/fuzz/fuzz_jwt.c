/* fuzz_jwt.c - libFuzzer target for sc_jwt_verify (untrusted Authorization
 * headers). Two modes, chosen by the input's first byte:
 *  - even: the rest is the token. Verification must never crash, and must never
 *    accept: the fuzzer does not know the secret, so an accepted token would
 *    mean a check is missing. The seed corpus holds well-formed tokens signed
 *    with another key, alg none, HS512 headers, and near misses.
 *  - odd: the rest is a claims text, made into a token with an HS256 header and
 *    signed with the secret, so that the header and claims parsing behind the
 *    signature check is reached too. It must never crash; it may accept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sc_b64.h"
#include "sc_config.h"
#include "sc_jwt.h"

#define SECRET "fuzz-secret-that-the-fuzzer-cannot-guess-0123456789"
/* {"alg":"HS256","typ":"JWT"} */
#define HEADER64 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *err;
	(void)argc;
	(void)argv;
	setenv("JWT_SECRET", SECRET, 1);
	unsetenv("SC_CONFIG");
	if (sc_config_load(&err) < 0)
		abort();
	return 0;
}

/* HEADER64 "." base64url(claims) "." base64url(HMAC) into tok; its length. */
static size_t signed_token(const uint8_t *claims, size_t n, char *tok)
{
	unsigned char mac[32];
	unsigned int maclen = 0;
	size_t len = sizeof(HEADER64) - 1;

	memcpy(tok, HEADER64 ".", len + 1);
	sc_b64url_encode(claims, n, tok + len + 1);
	len = strlen(tok);
	HMAC(EVP_sha256(), SECRET, (int)sizeof(SECRET) - 1, (const unsigned char *)tok, len, mac,
	    &maclen);
	tok[len++] = '.';
	sc_b64url_encode(mac, maclen, tok + len);
	return strlen(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char tok[2 * SC_JWT_MAX_LEN + 128];
	sc_jwt_claims c;
	const char *why;

	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		if (sc_jwt_verify((const char *)data + 1, size - 1, time(NULL), &c, &why) == 0)
			abort(); /* accepted a token not signed with our secret */
	} else if (size - 1 <= SC_JWT_MAX_LEN) {
		size_t n = signed_token(data + 1, size - 1, tok);
		(void)sc_jwt_verify(tok, n, time(NULL), &c, &why);
	}
	return 0;
}
