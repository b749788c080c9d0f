/* sc_ratelimit.h - rate limits (GCRA) and session revocation in one Redis script.
 *
 * One EVALSHA per request (EVAL once when Redis does not know the script):
 * optionally check that revoked:sid:{session} does not exist, then apply the
 * generic cell rate algorithm to rl:{class}:{subject}: `per_minute` sustained,
 * `burst` at once. Redis's own clock (TIME) is used, so every program and
 * relay worker agrees. Keys expire by themselves. */
#ifndef SC_RATELIMIT_H
#define SC_RATELIMIT_H

#include "sc_redis.h"

typedef enum {
	SC_RL_ALLOWED = 1,
	SC_RL_LIMITED = 0,
	SC_RL_REVOKED = -1,
} sc_rl_status;

typedef struct sc_rl_result {
	sc_rl_status status;
	long long    limit;           /* burst */
	long long    remaining;       /* requests left right now */
	long long    reset_s;         /* seconds until the bucket is full again */
	long long    retry_after_s;   /* when limited: seconds to wait (>= 1) */
} sc_rl_result;

/* Returns 0 with *res filled, or -1 when Redis cannot answer (*unavailable = 1
 * when unreachable). revoked_session may be NULL. */
int sc_ratelimit_check(sc_redis *r, const char *class_, const char *subject,
    long long per_minute, long long burst, const char *revoked_session,
    sc_rl_result *res, int *unavailable);

/* The same with the emission interval given directly: one request per
 * interval_us sustained (per hour: 3600000000 / n), `burst` at once. */
int sc_ratelimit_check_us(sc_redis *r, const char *class_, const char *subject,
    long long interval_us, long long burst, const char *revoked_session,
    sc_rl_result *res, int *unavailable);

/* Redis channel that hears every revocation; the message is the session id.
 * sc-ws-relay subscribes and closes that session's sockets (1008). */
#define SC_REVOKED_CHANNEL "sc:revoked"

/* Mark a session revoked for `ttl_s` seconds (the access-token lifetime):
 * the next request with one of its access tokens is refused. In the same
 * round trip (one script) PUBLISH SC_REVOKED_CHANNEL <session_id>. 0 / -1. */
int sc_ratelimit_revoke(sc_redis *r, const char *session_id, long long ttl_s);

#endif
