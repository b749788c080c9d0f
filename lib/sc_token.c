/* sc_token.c - one-time mail tokens: the same shape as refresh tokens
 * (sc_session), a separate name so the two never get mixed up in reading. */
#include "sc_token.h"
#include "sc_session.h"

_Static_assert(SC_TOKEN_LEN == SC_REFRESH_LEN, "token and refresh token share the format");
_Static_assert(SC_TOKEN_HASH == SC_REFRESH_HASH, "token and refresh token share the hash");

void sc_token_new(char token[SC_TOKEN_LEN + 1], char hash[SC_TOKEN_HASH])
{
	sc_session_refresh_new(token, hash);
}

int sc_token_hash(const char *tok, size_t len, char hash[SC_TOKEN_HASH])
{
	if (tok == NULL)
		return -1;
	return sc_session_refresh_hash(tok, len, hash);
}
