/* fuzz_jwt.c - libFuzzer target for sc_jwt_verify (untrusted Authorization
 * headers). The input is the token. Verification must never crash, and must
 * never accept: the fuzzer does not know the secret, so an accepted token would
 * mean a check is missing. The seed corpus holds well-formed tokens signed with
 * another key, alg none, HS512 headers, and near misses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_config.h"
#include "sc_jwt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *err;
	(void)argc;
	(void)argv;
	setenv("JWT_SECRET", "fuzz-secret-that-the-fuzzer-cannot-guess-0123456789", 1);
	unsetenv("SC_CONFIG");
	if (sc_config_load(&err) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_jwt_claims c;
	const char *why;

	if (sc_jwt_verify((const char *)data, size, time(NULL), &c, &why) == 0)
		abort(); /* accepted a token not signed with our secret */
	return 0;
}
