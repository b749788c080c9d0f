/* sc_cors.c - preflight answers and CORS response headers. */
#include "sc_cors.h"
#include "sc_resp.h"

#include <stdio.h>

void sc_cors_preflight(const sc_req *req, sc_resp *resp)
{
	if (!req->origin_allowed) {
		sc_resp_error(resp, 403, "origin not allowed");
		return;
	}
	sc_resp_empty(resp, 204);
	sc_resp_header(resp, "Access-Control-Allow-Methods",
	    "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	sc_resp_header(resp, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type, X-Request-ID, Idempotency-Key");
	{
		char age[16];
		snprintf(age, sizeof(age), "%d", SC_CORS_MAX_AGE);
		sc_resp_header(resp, "Access-Control-Max-Age", age);
	}
}

void sc_cors_render(const sc_req *req, sc_buf *out)
{
	sc_buf_puts(out, "Vary: Origin\r\n");
	if (req->origin_allowed) {
		sc_buf_puts(out, "Access-Control-Allow-Origin: ");
		sc_buf_puts(out, req->origin);
		sc_buf_puts(out, "\r\nAccess-Control-Expose-Headers: X-Request-ID, Retry-After\r\n");
	}
}
