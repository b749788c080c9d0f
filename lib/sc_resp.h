/* sc_resp.h - the response and its envelope (design.md section 3).
 *
 * A handler fills the response with one of the setters; the app loop renders
 * it once with sc_resp_render(): status line, our headers, the security
 * headers, CORS headers, X-Request-ID, and the envelope
 *   {"success":true,"data":...,"meta":{"timestamp":"...","request_id":"..."}}
 *   {"success":false,"error":{"code":"...","message":"..."[,"field":"..."]},"meta":{...}}
 * Strings given to the setters are copied to the arena. json-c objects given
 * to sc_resp_json() are owned by the response from then on. A 5xx never shows
 * internal text: use sc_resp_fail() to log the detail and answer a generic 500. */
#ifndef SC_RESP_H
#define SC_RESP_H

#include <json-c/json.h>

#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_json.h"
#include "sc_limits.h"
#include "sc_req.h"

typedef struct sc_resp {
	sc_arena    *arena;
	int          status;
	const char  *headers[SC_LIMIT_HEADERS];  /* "Name: value" */
	size_t       nheaders;
	json_object *data;
	const char  *data_raw;
	size_t       data_raw_len;
	const char  *err_code;
	const char  *err_msg;
	const char  *err_field;
	const char  *err_key;    /* one extra member of the error object */
	const char  *err_value;
	int          empty;      /* no body at all (204, preflight) */
} sc_resp;

void sc_resp_init(sc_resp *r, sc_arena *a);
/* Add a header; extra ones beyond SC_LIMIT_HEADERS are dropped and logged. */
void sc_resp_header(sc_resp *r, const char *name, const char *value);
void sc_resp_json(sc_resp *r, int status, json_object *data);
void sc_resp_raw(sc_resp *r, int status, const char *json, size_t len);
void sc_resp_empty(sc_resp *r, int status);
/* Error with the code of its status (404 -> NOT_FOUND). Return -1 for
 * `return sc_resp_error(...)` in handlers. */
int  sc_resp_error(sc_resp *r, int status, const char *msg);
int  sc_resp_error_code(sc_resp *r, int status, const char *code, const char *msg);
int  sc_resp_verr(sc_resp *r, const sc_verr *e);
/* sc_resp_error plus one string member in the error object, e.g. the id of
 * the object a 409 collided with: {"code":"CONFLICT","message":..,"call_id":..}.
 * key must be a literal snake_case name. Returns -1. */
int  sc_resp_error_with(sc_resp *r, int status, const char *msg, const char *key,
    const char *value);
/* 400 VALIDATION_ERROR naming field: "<field> <msg>". Returns -1. */
int  sc_resp_bad(sc_resp *r, const char *field, const char *msg);
/* 503 SERVICE_UNAVAILABLE with Retry-After: a dependency (PostgreSQL, Redis)
 * cannot answer now. Returns -1. */
int  sc_resp_unavailable(sc_resp *r, const char *msg);
/* Log detail (with the request id) and answer 500 INTERNAL_ERROR. */
int  sc_resp_fail(sc_resp *r, const char *detail);

/* Render the whole FastCGI response (CGI headers + body) into out. HEAD
 * requests get the headers only. Returns 0, or -1 when out's cap was hit (the
 * caller then renders a 500 instead). */
int  sc_resp_render(const sc_resp *r, const sc_req *req, sc_buf *out);

#endif
