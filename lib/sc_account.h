/* sc_account.h - what the account programs share: ending sessions (logout,
 * DELETE /v1/auth/sessions/:id, logout-all, password change, account
 * deletion), confirming the caller's password, and the block seam.
 *
 * Revocation is durable in PostgreSQL (sessions.revoked_at: the refresh token
 * stops) and immediate in Redis (revoked:sid:{id} for the access-token
 * lifetime plus the JWT leeway: the access token stops on the next request).
 * When a user has no active session left, users.status becomes 'offline' and
 * presence:{user_id} is deleted. Every function here answers the request
 * itself on failure (403, 404, 401, 503, 500) and returns -1 then. */
#ifndef SC_ACCOUNT_H
#define SC_ACCOUNT_H

#include <libpq-fe.h>
#include <stddef.h>

#include "sc_req.h"
#include "sc_resp.h"

/* ---- Blocks ("never through a block", api.md) -------------------------------
 * A SQL condition that is true when neither `a` nor `b` (SQL expressions
 * yielding user ids, parameters cast: "$2::uuid") has blocked the other. Both
 * directions are single primary-key probes (blocker_id, blocked_id). Every
 * statement that shows one user to another (user lookup, search, presence,
 * friend requests, direct conversations and their messages) includes it. */
#define SC_SQL_NOT_BLOCKED(a, b) \
	"NOT EXISTS (SELECT 1 FROM blocked_users b_ WHERE (b_.blocker_id = " a \
	" AND b_.blocked_id = " b ") OR (b_.blocker_id = " b " AND b_.blocked_id = " a "))"

/* End one session of the caller: 404 when no such session exists, 403 when it
 * belongs to another user, else revoked (already revoked is fine: 200 again)
 * and marked in Redis (503 when Redis fails). Answers 200
 * {"session_id":..., "revoked":true}. session_id must be a lower-case UUID. */
int sc_account_logout(sc_req *req, sc_resp *resp, const char *session_id);

/* After a statement revoked sessions: mark the session ids in column col of
 * res (NULL values skipped) revoked in Redis, and when `offline` delete
 * presence:{caller}. Returns the number of ids marked, or -1 having answered
 * 503 (the revocation in PostgreSQL stands; a retry re-marks). */
int sc_account_revoked(sc_req *req, sc_resp *resp, const PGresult *res, int col, int offline);

/* sc_account_revoked(req, resp, res, 0, 0) for a statement that ended the
 * caller's other sessions, then answer 200 with o (NULL: a new object; owned
 * by the response from then on, or freed on failure) plus "sessions_revoked":
 * the count. 0, or -1 having answered 503. */
int sc_account_revoked_answer(sc_req *req, sc_resp *resp, const PGresult *res,
    struct json_object *o);

/* Check the caller's password pw[0..len) against the stored hash. Returns 0
 * on a match with *hash (arena string) the verified hash, for the following
 * statement to compare (password_hash = $n) so a concurrent change loses;
 * else -1 having answered 401 `wrong` (a wrong password), 404 (account gone),
 * 503 or 500. The password is neither copied nor kept. */
int sc_account_password(sc_req *req, sc_resp *resp, const char *pw, size_t len,
    const char *wrong, const char **hash);

/* Answer 503 with Retry-After for a Redis failure. Returns -1. */
int sc_account_redis_down(sc_resp *resp);

#endif
