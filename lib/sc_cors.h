/* sc_cors.h - CORS with an exact-match allow-list (CORS_ALLOWED_ORIGINS).
 *
 * The decision (req->origin_allowed, req->preflight) is made by sc_req_init;
 * this module answers preflights and renders the headers of every response. */
#ifndef SC_CORS_H
#define SC_CORS_H

#include "sc_buf.h"
#include "sc_req.h"

struct sc_resp;

#define SC_CORS_MAX_AGE 600

/* Answer a preflight: 204 with the Access-Control-* headers when the origin
 * is allowed, 403 FORBIDDEN when not. */
void sc_cors_preflight(const sc_req *req, struct sc_resp *resp);
/* Append `Vary: Origin` and, for an allowed origin, Access-Control-* lines. */
void sc_cors_render(const sc_req *req, sc_buf *out);

#endif
