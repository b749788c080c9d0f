/* sc_app.c - the FastCGI accept loop and the common request checks. */
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_cors.h"
#include "sc_db.h"
#include "sc_log.h"
#include "sc_redis.h"
#include "sc_time.h"

#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	/* Makes libfcgi's accept() give up on EINTR instead of retrying. */
	FCGX_ShutdownPending();
}

int sc_app_is_json_type(const char *ct)
{
	size_t n = sizeof("application/json") - 1;
	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static size_t body_cap(const sc_endpoint *ep)
{
	return ep->body_cap ? ep->body_cap : SC_LIMIT_BODY_DEFAULT;
}

int sc_app_precheck(const sc_endpoint *ep, sc_req *req, sc_resp *resp)
{
	unsigned allowed = ep->methods | SC_M_OPTIONS | ((ep->methods & SC_M_GET) ? SC_M_HEAD : 0);
	char allow[96];

	if (!sc_route_match(req->arena, ep->pattern, req->path, req->path_len, &req->params)) {
		sc_resp_error(resp, 404, "no such resource");
		return 0;
	}
	if (!(req->method_bit & allowed)) {
		sc_resp_error(resp, 405, "method not allowed");
		sc_resp_header(resp, "Allow", sc_http_allow(ep->methods, allow, sizeof(allow)));
		return 0;
	}
	if (req->method_bit == SC_M_OPTIONS) {
		if (req->preflight) {
			sc_cors_preflight(req, resp);
		} else {
			sc_resp_empty(resp, 204);
			sc_resp_header(resp, "Allow", sc_http_allow(ep->methods, allow, sizeof(allow)));
		}
		return 0;
	}
	if (!req->query_ok) {
		sc_resp_error(resp, 400, "malformed query string");
		return 0;
	}
	if (req->content_length < 0) {
		sc_resp_error(resp, 400, "invalid Content-Length");
		return 0;
	}
	if ((unsigned long long)req->content_length > body_cap(ep)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "request body larger than %zu bytes", body_cap(ep));
		sc_resp_error(resp, 413, msg);
		return 0;
	}
	if (req->content_length > 0 && !(ep->flags & SC_EP_STREAM) &&
	    !sc_app_is_json_type(req->content_type)) {
		sc_resp_error(resp, 415, "Content-Type must be application/json");
		return 0;
	}
	return 1;
}

int sc_app_body(const sc_endpoint *ep, sc_req *req, sc_resp *resp,
    const char *body, size_t len)
{
	const char *why;
	int wants = ep->flags & (SC_EP_JSON | SC_EP_JSON_REQUIRED);
	int must = (ep->flags & SC_EP_JSON_REQUIRED) &&
	    (req->method_bit & (SC_M_POST | SC_M_PUT | SC_M_PATCH));

	req->body.ptr = body;
	req->body.len = len;
	if (len > body_cap(ep)) {
		sc_resp_error(resp, 413, "request body too large");
		return 0;
	}
	if (!wants || (len == 0 && !must))
		return 1;
	if (sc_json_parse_object(req->arena, body, len, &req->json, &why) < 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "invalid JSON: %s", why);
		sc_resp_error(resp, 400, msg);
		return 0;
	}
	return 1;
}

void sc_app_dispatch(const sc_endpoint *ep, sc_req *req, sc_resp *resp)
{
	ep->handler(req, resp);
	if (resp->status == 500 && resp->err_code == NULL)
		sc_resp_fail(resp, "handler set no response");
}

int sc_app_db_error(sc_resp *resp, const sc_db_err *err)
{
	if (err->unavailable) {
		sc_log(SC_LOG_ERROR, "database unavailable", NULL);
		return sc_resp_unavailable(resp, "database unavailable, try again later");
	}
	return sc_resp_fail(resp, err->msg);
}

/* Read the body: exactly content_length bytes (it is within the cap). */
static int read_body(FCGX_Request *fr, sc_req *req, char **out, size_t *len)
{
	size_t want = (size_t)req->content_length, got = 0;
	char *buf = sc_arena_alloc(req->arena, want + 1);

	while (got < want) {
		int n = FCGX_GetStr(buf + got, (int)(want - got), fr->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return got == want ? 0 : -1;
}

/* The body reader of SC_EP_STREAM endpoints: the FastCGI input stream. */
static long fcgx_read(void *ctx, char *buf, size_t n)
{
	int want = n > (size_t)1 << 30 ? 1 << 30 : (int)n;
	return FCGX_GetStr(buf, want, (FCGX_Stream *)ctx);
}

/* Read and drop what a streaming handler left of the body, so the web server
 * is not cut off while it still sends (it has buffered the body already). */
static void drain_body(sc_req *req)
{
	static char sink[16384];
	while (sc_req_body_read(req, sink, sizeof(sink)) > 0)
		;
}

static void log_access(const sc_req *req, const sc_resp *resp)
{
	static sc_buf b;  /* reused: the process is single-threaded */
	if (b.cap == 0)
		sc_buf_init(&b, 3000);
	sc_buf_reset(&b);
	sc_buf_puts(&b, "\"method\":");
	sc_buf_json_str(&b, req->method, strlen(req->method));
	sc_buf_puts(&b, ",\"path\":");
	sc_buf_json_str(&b, req->path, req->path_len > 512 ? 512 : req->path_len);
	sc_buf_printf(&b, ",\"status\":%d,\"duration_us\":%llu,\"client\":", resp->status,
	    (unsigned long long)(sc_time_mono_us() - req->start_us));
	sc_buf_json_str(&b, req->client_ip, strlen(req->client_ip));
	sc_log(resp->status >= 500 ? SC_LOG_ERROR : SC_LOG_INFO, "request", "%s",
	    b.ptr ? b.ptr : "\"method\":null");
}

/* The task of sc_app_after for the request in hand. */
static sc_app_after_fn after_fn;
static void *after_arg;
/* the request id for the task's log lines: the request (on serve's stack) is gone by then */
static char after_rid[SC_LIMIT_REQUEST_ID + 1];

int sc_app_after(sc_app_after_fn fn, void *arg)
{
	if (after_fn != NULL)
		return -1;
	after_fn = fn;
	after_arg = arg;
	return 0;
}

static void serve(const sc_endpoint *ep, FCGX_Request *fr, sc_arena *a, sc_buf *out,
    sc_db *db, sc_redis *redis)
{
	sc_req req;
	sc_resp resp;

	sc_req_init(&req, a, fr->envp);
	req.db = db;
	req.redis = redis;
	if (req.method_bit & (SC_M_GET | SC_M_HEAD))
		req.prefetch = ep->prefetch;
	sc_log_set_request_id(req.request_id);
	sc_resp_init(&resp, a);

	if (!sc_app_precheck(ep, &req, &resp)) {
		/* resp holds the answer (404, 405, OPTIONS, 400, 413, 415) */
	} else if (ep->flags & SC_EP_STREAM) {
		req.body_read = fcgx_read;
		req.body_ctx = fr->in;
		req.body_left = req.content_length;
		if (sc_auth_guard(ep->flags, &req, &resp))
			sc_app_dispatch(ep, &req, &resp);
		drain_body(&req);
	} else {
		char *body = NULL;
		size_t len = 0;
		if (req.content_length > 0 && read_body(fr, &req, &body, &len) < 0)
			sc_resp_error(&resp, 400, "request body shorter than Content-Length");
		else if (sc_app_body(ep, &req, &resp, body ? body : "", len) &&
		    sc_auth_guard(ep->flags, &req, &resp))
			sc_app_dispatch(ep, &req, &resp);
	}
	sc_buf_reset(out);
	if (sc_resp_render(&resp, &req, out) < 0) {
		sc_resp_fail(&resp, "response too large");
		sc_buf_reset(out);
		sc_resp_render(&resp, &req, out);
	}
	FCGX_PutStr(out->ptr, (int)out->len, fr->out);
	sc_db_discard(db);  /* a read sent ahead that the handler did not take */
	log_access(&req, &resp);
	if (after_fn != NULL) {
		snprintf(after_rid, sizeof(after_rid), "%s", req.request_id);
		sc_log_set_request_id(after_rid);
	} else {
		sc_log_set_request_id(NULL);
	}
}

/* End the request. libfcgi closes a connection gracefully: shutdown(), then
 * wait for the web server to close its end, draining what it still sends,
 * so that unread input cannot turn the close into a reset that loses the
 * answer. That wait holds the process until the web server's event loop has
 * read the answer, on every request. When the request's input has been read
 * to its end (the FCGI_STDIN end record: the web server sends nothing more),
 * nothing is left to drain and a plain close() loses nothing, the answer
 * being already queued to the peer: FCGX_Detach makes libfcgi close at once. */
static void finish(FCGX_Request *fr)
{
	if (fr->in != NULL && FCGX_GetChar(fr->in) == EOF && FCGX_HasSeenEOF(fr->in))
		FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

int sc_app_run(const sc_endpoint *ep)
{
	struct sigaction sa;
	sigset_t stopset;
	FCGX_Request fr;
	sc_arena arena;
	sc_buf out;
	sc_db *db;
	sc_redis *redis;
	const char *err;
	sc_log_level lvl;

	sc_log_init(ep->name, 2);
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "secureconnect: config: %s\n", err);
		return 1;
	}
	if (sc_log_level_parse(sc_config_str(SC_CFG_LOG_LEVEL), &lvl) == 0)
		sc_log_set_level(lvl);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;      /* no SA_RESTART: accept() must see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGUSR1);

	if (ep->init != NULL && ep->init() != 0) {
		fprintf(stderr, "secureconnect: %s: initialisation failed\n", ep->name);
		return 1;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "secureconnect: %s: cannot initialise libfcgi\n", ep->name);
		return 1;
	}
	if (FCGX_IsCGI()) {
		fprintf(stderr, "secureconnect: %s is a FastCGI program: let lighttpd, Apache "
		    "(mod_fcgid) or spawn-fcgi start it\n", ep->name);
		return 2;
	}
	FCGX_InitRequest(&fr, 0, 0);
	db = sc_db_new();
	redis = sc_redis_new();
	sc_arena_init(&arena);
	sc_buf_init(&out, SC_LIMIT_RESPONSE + 64 * 1024);

	for (;;) {
		int rc;
		/* Signals stay blocked while a request is in hand, so no system call
		 * of the handler is interrupted; a pending stop is delivered here. */
		sigprocmask(SIG_UNBLOCK, &stopset, NULL);
		if (stopping)
			break;
		rc = FCGX_Accept_r(&fr);
		sigprocmask(SIG_BLOCK, &stopset, NULL);
		if (rc < 0)
			break;
		serve(ep, &fr, &arena, &out, db, redis);
		finish(&fr);
		if (after_fn != NULL) {
			sc_app_after_fn fn = after_fn;
			after_fn = NULL;
			fn(db, &arena, after_arg);
		}
		sc_log_set_request_id(NULL);
		sc_arena_reset(&arena);
	}
	FCGX_Free(&fr, 1);
	sc_buf_cleanup(&out);
	sc_arena_cleanup(&arena);
	sc_redis_free(redis);
	sc_db_free(db);
	sc_config_reset();
	return 0;
}
