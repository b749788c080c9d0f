/* sc_app.h - the FastCGI app loop every endpoint program runs.
 *
 * A program declares one sc_endpoint and calls sc_app_run() from main():
 *
 *     static const sc_endpoint ep = { "ops/health", "/health", SC_M_GET, 0, 0, handle };
 *     int main(void) { return sc_app_run(&ep); }
 *
 * sc_app_run() loads and validates the configuration (exit 1 with one line
 * naming the key on error), installs the signal handlers, and serves requests
 * until SIGTERM/SIGUSR1: then it finishes the request in hand, closes its
 * connections and returns 0. Per request it runs the common checks in a fixed
 * order (docs/decisions.md): route -> method (405 + Allow) -> CORS preflight ->
 * body limits (413, 415) -> JSON parse (400) -> authentication and rate limit
 * (sc_auth: 401, 429, 503) -> handler; renders the envelope,
 * logs one access line and resets the arena. */
#ifndef SC_APP_H
#define SC_APP_H

#include <stddef.h>

#include "sc_http.h"
#include "sc_req.h"
#include "sc_resp.h"

typedef int (*sc_handler)(sc_req *req, sc_resp *resp);

enum {
	SC_EP_JSON          = 1u << 0,  /* parse a JSON object body when one is sent */
	SC_EP_JSON_REQUIRED = 1u << 1,  /* POST/PUT/PATCH must send a JSON object */
	SC_EP_AUTH          = 1u << 2,  /* bearer access token; per-user rate limit */
	SC_EP_PUBLIC        = 1u << 3,  /* no token; per-address rate limit */
	SC_EP_STREAM        = 1u << 4,  /* the handler reads the body itself with
	                                 * sc_req_body_read() (any Content-Type, up
	                                 * to body_cap); what it leaves unread is
	                                 * drained after it answered */
};

typedef struct sc_endpoint {
	const char *name;      /* "ops/health": the program, for logs */
	const char *pattern;   /* "/v1/users/:id", or slash-star for the catch-all */
	unsigned    methods;   /* SC_M_*; HEAD comes with GET, OPTIONS always */
	size_t      body_cap;  /* 0: SC_LIMIT_BODY_DEFAULT */
	unsigned    flags;     /* SC_EP_* */
	sc_handler  handler;
	int       (*init)(void);  /* optional: after the config is loaded, before the
	                           * first request (warm-ups); non-zero stops the program */
	const char *prefetch;  /* optional, SC_EP_AUTH: a read (a string constant) whose
	                        * one parameter is the caller's user id, which GET and HEAD
	                        * requests send (sc_db_send) once the token is verified,
	                        * so that it runs while the guard waits for Redis; the
	                        * handler's sc_db_exec of it takes the result */
} sc_endpoint;

/* Run the program; returns the process exit status. */
int sc_app_run(const sc_endpoint *ep);

/* The steps of one request, split so unit tests can drive them without a web
 * server. sc_app_precheck() returns 1 when the request should go on to the
 * body (resp untouched), 0 when resp holds the answer already.
 * sc_app_body() takes the bytes read and returns 1 to go on to the handler. */
int sc_app_precheck(const sc_endpoint *ep, sc_req *req, sc_resp *resp);
int sc_app_body(const sc_endpoint *ep, sc_req *req, sc_resp *resp,
    const char *body, size_t len);
/* Run the handler; a handler that set nothing answers 500. */
void sc_app_dispatch(const sc_endpoint *ep, sc_req *req, sc_resp *resp);

/* Work to do after the response has gone out (FastCGI request finished), before
 * the arena is reset: the client does not wait for it (sending a mail). One
 * task per request; a second call replaces nothing and returns -1. `arg` should
 * live on the request's arena. The task gets the process's database
 * connection and the arena. */
struct sc_db;
typedef void (*sc_app_after_fn)(struct sc_db *db, sc_arena *a, void *arg);
int sc_app_after(sc_app_after_fn fn, void *arg);

/* Answer a failed statement: 503 when the database is unreachable, else a
 * logged 500. Returns -1 for `return sc_app_db_error(...)`. */
struct sc_db_err;
int sc_app_db_error(sc_resp *resp, const struct sc_db_err *err);

/* 1 when a Content-Type value is application/json (parameters allowed). */
int sc_app_is_json_type(const char *ct);

#endif
