/* sc_jwt.h - access tokens: HS256 JWTs issued and checked strictly.
 *
 * Tokens are issued with libjwt 1.10. They are verified without it: libjwt
 * accepts any HMAC algorithm, never checks exp/nbf, and skips verification
 * when no key is given (toolchain.md section 5), and its decoding took about
 * a tenth of an authenticated request's CPU. sc_jwt_verify() checks the
 * HMAC-SHA256 signature first (constant time), then everything else: alg
 * exactly HS256, iss (JWT_ISSUER), aud
 * "secureconnect-api" (a string), typ "access", exp and nbf against the clock
 * (SC_JWT_LEEWAY seconds of skew), iat present, sub = user_id and sid and jti
 * UUIDs. The token is tried with JWT_SECRET, then JWT_SECRET_PREVIOUS when
 * that is set (key rotation). Refresh tokens are not JWTs (sc_session), so
 * one can never pass for the other. */
#ifndef SC_JWT_H
#define SC_JWT_H

#include <stddef.h>
#include <time.h>

#include "sc_uuid.h"

#define SC_JWT_AUDIENCE  "secureconnect-api"
#define SC_JWT_LEEWAY    30
#define SC_JWT_MAX_LEN   4096

typedef struct sc_jwt_claims {
	char   user_id[SC_UUID_STRLEN + 1];
	char   session_id[SC_UUID_STRLEN + 1];
	char   jti[SC_UUID_STRLEN + 1];
	char   role[16];
	time_t iat, exp;
} sc_jwt_claims;

/* Issue an access token for (user, session, role) valid JWT_ACCESS_TTL_SECONDS
 * from now. *out is malloc'd (free() it). 0 / -1. */
int sc_jwt_issue(const char *user_id, const char *session_id, const char *role,
    time_t now, char **out, long *expires_in);

/* Verify token[0..len) as of `now`; fill c. 0 valid, -1 not (*why: static text
 * for the log, never for the client). */
int sc_jwt_verify(const char *token, size_t len, time_t now, sc_jwt_claims *c,
    const char **why);

#endif
