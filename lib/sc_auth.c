/* sc_auth.c - bearer authentication, revocation and rate limits per request. */
#include "sc_auth.h"
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_jwt.h"
#include "sc_log.h"
#include "sc_ratelimit.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *sc_auth_bearer(const sc_req *req, size_t *len)
{
	const char *h = sc_req_header(req, "Authorization"), *t, *e;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	t = h + 7;
	while (*t == ' ')
		t++;
	e = t + strlen(t);
	while (e > t && e[-1] == ' ')
		e--;
	if (e == t)
		return NULL;
	*len = (size_t)(e - t);
	return t;
}

static void rl_headers(sc_resp *resp, const sc_rl_result *rl)
{
	char v[32];
	snprintf(v, sizeof(v), "%lld", rl->limit);
	sc_resp_header(resp, "RateLimit-Limit", v);
	snprintf(v, sizeof(v), "%lld", rl->remaining);
	sc_resp_header(resp, "RateLimit-Remaining", v);
	snprintf(v, sizeof(v), "%lld", rl->reset_s);
	sc_resp_header(resp, "RateLimit-Reset", v);
}

static int unauthorized(sc_resp *resp, const char *msg)
{
	sc_resp_error(resp, 401, msg);
	sc_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"secureconnect\"");
	return 0;
}

/* Drop the RateLimit-* headers set so far (a narrower limit replaces them). */
static void rl_headers_drop(sc_resp *resp)
{
	size_t i, o = 0;
	for (i = 0; i < resp->nheaders; i++)
		if (strncasecmp(resp->headers[i], "RateLimit-", 10) != 0)
			resp->headers[o++] = resp->headers[i];
	resp->nheaders = o;
}

static int limited(sc_resp *resp, const sc_rl_result *rl)
{
	char v[32];
	snprintf(v, sizeof(v), "%lld", rl->retry_after_s);
	sc_resp_error(resp, 429, "too many requests");
	sc_resp_header(resp, "Retry-After", v);
	return 0;
}

int sc_auth_limit(sc_req *req, sc_resp *resp, const char *class_, long long per_minute,
    long long burst)
{
	sc_rl_result rl;
	int unavailable = 0;

	if (sc_ratelimit_check(req->redis, class_, req->user.user_id, per_minute, burst, NULL,
	    &rl, &unavailable) < 0) {
		sc_resp_unavailable(resp, "service unavailable, try again later");
		return 0;
	}
	if (rl.status != SC_RL_LIMITED)
		return 1;
	rl_headers_drop(resp);
	rl_headers(resp, &rl);
	return limited(resp, &rl);
}

int sc_auth_limit_hourly(sc_req *req, sc_resp *resp, const char *class_, const char *subject,
    long long per_hour)
{
	sc_rl_result rl;
	int unavailable = 0;

	if (per_hour < 1)
		per_hour = 1;
	if (sc_ratelimit_check_us(req->redis, class_, subject, 3600000000LL / per_hour, per_hour,
	    NULL, &rl, &unavailable) < 0) {
		sc_resp_unavailable(resp, "service unavailable, try again later");
		return 0;
	}
	if (rl.status != SC_RL_LIMITED)
		return 1;
	rl_headers_drop(resp);
	rl_headers(resp, &rl);
	return limited(resp, &rl);
}

int sc_auth_guard(unsigned flags, sc_req *req, sc_resp *resp)
{
	sc_rl_result rl;
	int unavailable = 0, rc;

	if (flags & SC_EP_AUTH) {
		const char *tok, *why;
		size_t len = 0;

		tok = sc_auth_bearer(req, &len);
		if (tok == NULL)
			return unauthorized(resp, "missing bearer token");
		if (sc_jwt_verify(tok, len, time(NULL), &req->user, &why) < 0) {
			memset(&req->user, 0, sizeof(req->user));
			sc_log(SC_LOG_INFO, "token refused", "\"reason\":\"%s\"", why);
			return unauthorized(resp, "invalid or expired token");
		}
		/* The endpoint's read goes out now and runs while Redis answers;
		 * when the guard refuses, sc_app drops its result unread. */
		if (req->prefetch != NULL && req->db != NULL) {
			const char *p[1] = { req->user.user_id };
			sc_db_send(req->db, req->prefetch, 1, p);
		}
		rc = sc_ratelimit_check(req->redis, "user", req->user.user_id,
		    sc_config_int(SC_CFG_RATE_LIMIT_USER_PER_MINUTE),
		    sc_config_int(SC_CFG_RATE_LIMIT_USER_BURST), req->user.session_id, &rl,
		    &unavailable);
	} else if (flags & SC_EP_PUBLIC) {
		rc = sc_ratelimit_check(req->redis, "ip", req->client_ip,
		    sc_config_int(SC_CFG_RATE_LIMIT_IP_PER_MINUTE),
		    sc_config_int(SC_CFG_RATE_LIMIT_IP_BURST), NULL, &rl, &unavailable);
	} else {
		return 1;
	}
	if (rc < 0) {
		/* Fail closed: without Redis neither revocation nor limits can be checked. */
		memset(&req->user, 0, sizeof(req->user));
		sc_resp_unavailable(resp, "service unavailable, try again later");
		return 0;
	}
	if (rl.status == SC_RL_REVOKED) {
		memset(&req->user, 0, sizeof(req->user));
		return unauthorized(resp, "session revoked");
	}
	rl_headers(resp, &rl);
	if (rl.status == SC_RL_LIMITED) {
		memset(&req->user, 0, sizeof(req->user));
		return limited(resp, &rl);
	}
	req->authed = (flags & SC_EP_AUTH) != 0;
	return 1;
}
