/* sc_req.c - build a request from FastCGI params. */
#include "sc_req.h"
#include "sc_config.h"
#include "sc_http.h"
#include "sc_rand.h"
#include "sc_time.h"

#include <ctype.h>
#include <strings.h>
#include <string.h>

const char *sc_req_param(const sc_req *req, const char *name)
{
	size_t n = strlen(name);
	char **e;
	if (req->envp == NULL)
		return NULL;
	for (e = req->envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *sc_req_header(const sc_req *req, const char *name)
{
	char key[128] = "HTTP_";
	size_t i, n = strlen(name);

	if (n + 6 > sizeof(key))
		return NULL;
	for (i = 0; i < n; i++) {
		char c = name[i];
		key[5 + i] = c == '-' ? '_' : (char)toupper((unsigned char)c);
	}
	key[5 + n] = '\0';
	/* Content-Type and Content-Length come without the HTTP_ prefix. */
	if (strcmp(key, "HTTP_CONTENT_TYPE") == 0 || strcmp(key, "HTTP_CONTENT_LENGTH") == 0)
		return sc_req_param(req, key + 5);
	return sc_req_param(req, key);
}

const char *sc_req_query(const sc_req *req, const char *name)
{
	return sc_url_query_get(&req->query, name);
}

long sc_req_body_read(sc_req *req, char *buf, size_t n)
{
	long got;

	if (req->body_left < 0)
		return -1;
	if (req->body_left == 0)
		return 0;
	if (req->body_read == NULL)
		return -1;
	if ((long long)n > req->body_left)
		n = (size_t)req->body_left;
	if (n > (size_t)1 << 30)
		n = (size_t)1 << 30;
	got = req->body_read(req->body_ctx, buf, n);
	if (got <= 0 || (size_t)got > n) {
		req->body_left = -1;       /* the rest is gone: later reads fail too */
		return -1;
	}
	req->body_left -= got;
	return got;
}

int sc_req_id_valid(const char *s)
{
	size_t i, n;
	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n == 0 || n > SC_LIMIT_REQUEST_ID)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!(isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* The right-most X-Forwarded-For entry, trimmed. */
static const char *last_forwarded(sc_arena *a, const char *xff)
{
	const char *p = strrchr(xff, ',');
	const char *s = p ? p + 1 : xff, *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e > s && e - s <= 45 ? sc_arena_strndup(a, s, (size_t)(e - s)) : NULL;
}

void sc_req_init(sc_req *req, sc_arena *a, char **envp)
{
	const char *uri, *q, *rid, *cl, *scheme, *https;
	long long n;

	memset(req, 0, sizeof(*req));
	req->arena = a;
	req->envp = envp;
	req->start_us = sc_time_mono_us();
	req->content_length = -1;

	req->method = sc_req_param(req, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "GET";
	req->method_bit = sc_http_method_bit(req->method);

	uri = sc_req_param(req, "REQUEST_URI");
	if (uri == NULL || uri[0] != '/')
		uri = "/";
	q = strchr(uri, '?');
	req->path_len = q ? (size_t)(q - uri) : strlen(uri);
	req->path = sc_arena_strndup(a, uri, req->path_len);
	req->query_ok = sc_url_query_parse(a, sc_req_param(req, "QUERY_STRING"), &req->query) == 0;

	req->content_type = sc_req_param(req, "CONTENT_TYPE");
	if (req->content_type != NULL && req->content_type[0] == '\0')
		req->content_type = NULL;
	cl = sc_req_param(req, "CONTENT_LENGTH");
	if (cl == NULL || cl[0] == '\0')
		req->content_length = 0;
	else if (sc_parse_i64(cl, strlen(cl), 0, (long long)1 << 50, &n) == 0)
		req->content_length = n;

	rid = sc_req_header(req, "X-Request-ID");
	if (sc_req_id_valid(rid)) {
		memcpy(req->request_id, rid, strlen(rid) + 1);
	} else {
		sc_rand_id_hex(req->request_id, 16);
	}

	req->client_ip = sc_req_param(req, "REMOTE_ADDR");
	if (req->client_ip == NULL)
		req->client_ip = "";
	https = sc_req_param(req, "HTTPS");
	scheme = sc_req_param(req, "REQUEST_SCHEME");
	req->https = (https && strcasecmp(https, "on") == 0) ||
	    (scheme && strcmp(scheme, "https") == 0);
	if (sc_config_list_has(SC_CFG_TRUSTED_PROXIES, req->client_ip, strlen(req->client_ip))) {
		const char *xff = sc_req_header(req, "X-Forwarded-For");
		const char *xfp = sc_req_header(req, "X-Forwarded-Proto");
		const char *ip = xff ? last_forwarded(a, xff) : NULL;
		if (ip != NULL)
			req->client_ip = ip;
		if (xfp != NULL && strcmp(xfp, "https") == 0)
			req->https = 1;
	}

	req->origin = sc_req_header(req, "Origin");
	req->origin_allowed = req->origin != NULL &&
	    sc_config_list_has(SC_CFG_CORS_ALLOWED_ORIGINS, req->origin, strlen(req->origin));
	req->preflight = req->method_bit == SC_M_OPTIONS && req->origin != NULL &&
	    sc_req_header(req, "Access-Control-Request-Method") != NULL;
}
