/* sc_auth.h - the per-request guard: authentication and rate limits.
 *
 * SC_EP_AUTH endpoints: "Authorization: Bearer <access JWT>" is verified
 * (sc_jwt: CPU only, no I/O), then one Redis round trip checks that the
 * session is not revoked and applies the per-user limit. SC_EP_PUBLIC
 * endpoints get the per-address limit instead. Redis down: 503, never a pass.
 * Every limited response carries RateLimit-Limit/Remaining/Reset; a 429 also
 * Retry-After. On success req->user holds the caller. */
#ifndef SC_AUTH_H
#define SC_AUTH_H

#include "sc_req.h"
#include "sc_resp.h"

/* 1 to go on to the handler, 0 when resp holds the refusal. flags: SC_EP_*. */
int sc_auth_guard(unsigned flags, sc_req *req, sc_resp *resp);

/* A second, narrower limit inside a handler (e.g. prekey bundle fetches per
 * requester): GCRA on rl:{class_}:{caller} with the given rate. 1 when
 * allowed; 0 when resp holds a 429 (Retry-After, and RateLimit-* headers of
 * this class in place of the per-user ones) or a 503 (Redis down). */
int sc_auth_limit(sc_req *req, sc_resp *resp, const char *class_, long long per_minute,
    long long burst);

/* A limit counted per hour on rl:{class_}:{subject} (subject: a user id, a
 * client address, a hash of an e-mail address): per_hour at once, then one
 * every 3600/per_hour seconds. Returns like sc_auth_limit. */
int sc_auth_limit_hourly(sc_req *req, sc_resp *resp, const char *class_, const char *subject,
    long long per_hour);

/* The token of an "Authorization: Bearer x" header, or NULL. */
const char *sc_auth_bearer(const sc_req *req, size_t *len);

#endif
