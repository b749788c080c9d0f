/* sc_session.h - sessions and their refresh tokens.
 *
 * A refresh token is 32 random bytes in base64url (43 characters), never a
 * JWT, so it cannot pass for an access token nor the other way round. Only its
 * SHA-256 is stored (sessions.refresh_hash, as the bytea literal "\x<hex>").
 * sc_session_respond() builds the login/register/refresh answer. */
#ifndef SC_SESSION_H
#define SC_SESSION_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_req.h"
#include "sc_resp.h"

#define SC_REFRESH_LEN   43
#define SC_REFRESH_HASH  (2 + 64 + 1)   /* "\x" + hex + NUL */

/* A fresh token and its stored hash. */
void sc_session_refresh_new(char token[SC_REFRESH_LEN + 1], char hash[SC_REFRESH_HASH]);
/* The stored hash of a presented token; -1 when it cannot be one of ours. */
int  sc_session_refresh_hash(const char *token, size_t len, char hash[SC_REFRESH_HASH]);

/* Answer status with {user?, access_token, refresh_token, token_type,
 * expires_in, session_id}; user (may be NULL) is owned by the response from
 * then on. Issues the access token for (user_id, session_id, role). */
int sc_session_respond(sc_resp *resp, int status, json_object *user, const char *user_id,
    const char *session_id, const char *role, const char *refresh);

/* After sessions were revoked in PostgreSQL: mark them revoked in Redis so
 * their access tokens stop at once. Column col of every row of res is a
 * session id (NULL values are skipped). 0, or -1 when Redis could not take
 * them all. */
int sc_session_revoke_redis(sc_req *req, const void *pgresult, int col);

#endif
