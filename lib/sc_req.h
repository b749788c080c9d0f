/* sc_req.h - one request, as the web server handed it over (FastCGI params).
 *
 * Built by sc_req_init() from the FastCGI environment (an envp array of
 * "NAME=value" strings). Every string hangs off the request's arena and lives
 * until the arena is reset after the response. The body is read by the app
 * loop after the size and type checks (sc_req_read_body). */
#ifndef SC_REQ_H
#define SC_REQ_H

#include <stdint.h>
#include <json-c/json.h>

#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_jwt.h"
#include "sc_limits.h"
#include "sc_route.h"
#include "sc_url.h"

struct sc_db;
struct sc_redis;

typedef struct sc_req {
	sc_arena        *arena;
	char           **envp;
	const char      *method;          /* "GET" ... (never NULL) */
	unsigned         method_bit;      /* SC_M_* or 0 for others */
	const char      *path;            /* REQUEST_URI without the query */
	size_t           path_len;
	sc_query         query;
	int              query_ok;        /* 0 when the query string was malformed */
	sc_route_params  params;
	const char      *content_type;    /* NULL when absent */
	long long        content_length;  /* 0 when absent, -1 when invalid */
	sc_str           body;
	json_object     *json;            /* parsed body object, when the endpoint takes JSON */
	const char      *client_ip;
	int              https;
	const char      *origin;          /* NULL when absent */
	int              origin_allowed;
	int              preflight;       /* OPTIONS + Origin + Access-Control-Request-Method */
	char             request_id[SC_LIMIT_REQUEST_ID + 1];
	uint64_t         start_us;
	int              authed;          /* set by the guard for SC_EP_AUTH endpoints */
	sc_jwt_claims    user;            /* the caller, when authed */
	struct sc_db    *db;              /* process-wide, lazily connected */
	const char      *prefetch;        /* sc_endpoint.prefetch for GET and HEAD, else NULL */
	struct sc_redis *redis;
	/* SC_EP_STREAM endpoints: the app loop does not read the body; the
	 * handler reads it with sc_req_body_read(). body_read fetches up to n
	 * bytes from the web server (0 at its end, -1 on error). */
	long           (*body_read)(void *ctx, char *buf, size_t n);
	void            *body_ctx;
	long long        body_left;       /* bytes of content_length not read yet */
} sc_req;

/* Fill req from envp. Never fails: odd input is recorded (query_ok,
 * content_length -1) for the checks to refuse. */
void sc_req_init(sc_req *req, sc_arena *a, char **envp);

/* A FastCGI/CGI parameter ("REQUEST_METHOD") or NULL. */
const char *sc_req_param(const sc_req *req, const char *name);
/* A request header by its HTTP name ("Authorization") or NULL. */
const char *sc_req_header(const sc_req *req, const char *name);
/* Query parameter or NULL. */
const char *sc_req_query(const sc_req *req, const char *name);

/* Read up to n bytes of a streamed body (SC_EP_STREAM): the count (> 0), 0
 * once content_length bytes were read, -1 when the body ended before that or
 * the request has no body reader. Never returns more than is left. */
long sc_req_body_read(sc_req *req, char *buf, size_t n);

/* 1 when a request id is acceptable to echo: 1..64 of [A-Za-z0-9._-]. */
int sc_req_id_valid(const char *s);

#endif
