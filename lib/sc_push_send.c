/* sc_push_send.c - what the three push services share (see sc_push_send.h):
 * the credentials, the curl options, the response capture, Retry-After and
 * curl errors; lib/sc_fcm.c, lib/sc_apns.c and lib/sc_push_web.c build the
 * requests and read the answers of one service each. */
#include "sc_push_priv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "sc_alloc.h"
#include "sc_config.h"
#include "sc_netaddr.h"
#include "sc_json.h"

static long long real_now(void)
{
	return (long long)time(NULL);
}

long long (*sc_push_now)(void) = real_now;

sc_push_creds *sc_push_creds_load(char *err, size_t errlen)
{
	sc_push_creds *c = sc_xcalloc(1, sizeof(*c));
	const char *ca = sc_config_str(SC_CFG_PUSH_CA_FILE);
	const char *fcm = sc_config_str(SC_CFG_FCM_CREDENTIALS_FILE);
	int n = snprintf(c->ca_file, sizeof(c->ca_file), "%s", ca);
	if (n < 0 || (size_t)n >= sizeof(c->ca_file)) {
		snprintf(err, errlen, "PUSH_CA_FILE: too long");
		goto fail;
	}
	c->timeout_ms = (long)sc_config_int(SC_CFG_NOTIFYD_TIMEOUT_MS);
	c->web_allow_private = (int)sc_config_int(SC_CFG_PUSH_WEB_ALLOW_PRIVATE);
	c->ttl = sc_config_int(SC_CFG_PUSH_TTL_SECONDS);
	if (fcm[0] != '\0' && sc_fcm_load(c, fcm, err, errlen) != 0)
		goto fail;
	if (sc_config_str(SC_CFG_APNS_KEY_FILE)[0] != '\0' && sc_apns_load(c, err, errlen) != 0)
		goto fail;
	if (sc_config_str(SC_CFG_VAPID_PRIVATE_KEY_FILE)[0] != '\0' && sc_web_load(c, err, errlen) != 0)
		goto fail;
	return c;
fail:
	sc_push_creds_free(c);
	return NULL;
}

void sc_push_creds_free(sc_push_creds *c)
{
	if (c == NULL)
		return;
	EVP_PKEY_free(c->fcm_key);
	EVP_PKEY_free(c->apns_key);
	EVP_PKEY_free(c->vapid_key);
	free(c->fcm_project);
	free(c->fcm_email);
	free(c->fcm_key_id);
	free(c->fcm_token_url);
	free(c->fcm_base);
	if (c->fcm_access != NULL) {
		OPENSSL_cleanse(c->fcm_access, strlen(c->fcm_access));
		free(c->fcm_access);
	}
	free(c->apns_kid);
	free(c->apns_team);
	free(c->apns_topic);
	free(c->apns_base);
	free(c->apns_jwt);
	free(c->vapid_sub);
	free(c);
}

int sc_push_service_on(const sc_push_creds *c, const char *type)
{
	if (c == NULL || type == NULL)
		return 0;
	if (strcmp(type, "fcm") == 0)
		return c->fcm_key != NULL;
	if (strcmp(type, "apns") == 0)
		return c->apns_key != NULL;
	if (strcmp(type, "web") == 0)
		return c->vapid_key != NULL;
	return 0;
}

size_t sc_push_body_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	sc_push_req *r = ud;
	size_t n = size * nmemb;
	if (!r->resp.toobig)
		(void)sc_buf_append(&r->resp, p, n);   /* past the cap: keep the start, read on */
	return n;
}

/* Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date. */
static long parse_retry_after(const char *v, size_t n)
{
	char tmp[64];
	long long s;
	time_t t;
	if (sc_parse_i64(v, n, 0, 86400LL * 7, &s) == 0)
		return (long)s;
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if ((t = curl_getdate(tmp, NULL)) == -1)
		return -1;
	s = (long long)t - sc_push_now();
	return s < 0 ? 0 : (long)(s > 86400LL * 7 ? 86400LL * 7 : s);
}

size_t sc_push_header_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	sc_push_req *r = ud;
	size_t n = size * nmemb, vl;
	const char *v;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {     /* a new response (after 100 Continue) */
		r->retry_after = -1;
		return n;
	}
	if (n < 12 || strncasecmp(p, "retry-after:", 12) != 0)
		return n;
	v = p + 12;
	vl = n - 12;
	while (vl > 0 && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl > 0 && isspace((unsigned char)v[vl - 1]))
		vl--;
	r->retry_after = parse_retry_after(v, vl);
	return n;
}

int sc_push_header(sc_push_req *r, const char *fmt, ...)
{
	char line[1024];
	struct curl_slist *l;
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(line, "\r\n") != NULL)
		return -1;
	if ((l = curl_slist_append(r->hdrs, line)) == NULL)
		abort();                              /* out of memory is fatal (style.md 4) */
	r->hdrs = l;
	return 0;
}

int sc_push_body_json(sc_push_req *r, json_object *o, size_t cap)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (s == NULL || n > cap)
		return -1;
	r->body = (unsigned char *)sc_xstrndup(s, n);
	r->body_len = n;
	return 0;
}

json_object *sc_push_data_map(const sc_push_note *n)
{
	json_object *in, *out;
	const char *why;
	size_t len = strlen(n->data_json);
	if (len == 0)
		return json_object_new_object();
	if (sc_json_validate(n->data_json, len, &why) != 0 || (in = json_tokener_parse(n->data_json)) == NULL)
		return NULL;
	if (!json_object_is_type(in, json_type_object)) {
		json_object_put(in);
		return NULL;
	}
	out = json_object_new_object();
	json_object_object_foreach(in, k, v) {
		const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
		    : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		json_object_object_add(out, k, json_object_new_string(s));
	}
	json_object_put(in);
	return out;
}

long long sc_push_ttl(const sc_push_creds *c, const sc_push_note *n)
{
	if (n->urgent && c->ttl > SC_PUSH_URGENT_TTL)
		return SC_PUSH_URGENT_TTL;
	return c->ttl;
}

char *sc_push_strip_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return sc_xstrndup(s, n);
}

int sc_push_safe_id(const char *s, const char *extra, size_t max)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i]) != NULL))
			return 0;
	return i > 0 && i <= max;
}

/* A Web Push endpoint is a URL the user chose: the connection is refused when
 * the address it resolved to (each one curl tries, so DNS cannot swap in
 * another after a check) is loopback, private or otherwise special. */
static curl_socket_t web_socket(void *data, curlsocktype purpose, struct curl_sockaddr *a)
{
	sc_push_req *r = data;

	(void)purpose;
	if (sc_netaddr_special(&a->addr)) {
		r->blocked = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static int note_ok(const sc_push_note *n)
{
	return n != NULL && n->job_id && n->kind && n->title && n->body && n->data_json;
}

sc_push_req *sc_push_prepare(sc_push_creds *c, CURL *h, const sc_push_target *t,
    const sc_push_note *n, sc_push_outcome *outcome, char *err, size_t errlen)
{
	sc_push_req *r;
	int rc;
	*outcome = SC_PUSH_FAILED;
	if (t == NULL || t->type == NULL || t->token == NULL || !note_ok(n)) {
		snprintf(err, errlen, "push: incomplete target or note");
		return NULL;
	}
	if (!sc_push_service_on(c, t->type)) {
		snprintf(err, errlen, "push: service %s is not configured", t->type);
		return NULL;
	}
	r = sc_xcalloc(1, sizeof(*r));
	r->c = c;
	r->retry_after = -1;
	sc_buf_init(&r->resp, SC_PUSH_RESP_MAX);
	if (strcmp(t->type, "fcm") == 0) {
		r->svc = SC_PUSH_FCM;
		rc = sc_fcm_build(r, t, n, outcome, err, errlen);
	} else if (strcmp(t->type, "apns") == 0) {
		r->svc = SC_PUSH_APNS;
		rc = sc_apns_build(r, t, n, outcome, err, errlen);
	} else {
		r->svc = SC_PUSH_WEB;
		rc = sc_web_build(r, t, n, outcome, err, errlen);
	}
	if (rc != 0 || sc_push_header(r, "Expect:") != 0) {   /* no 100-continue round trip */
		sc_push_req_free(r);
		return NULL;
	}
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, r->svc == SC_PUSH_WEB ? "https" : "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, (char *)r->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sc_push_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, sc_push_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);         /* share one HTTP/2 connection */
	if (r->svc == SC_PUSH_APNS)                        /* APNs speaks HTTP/2 only */
		curl_easy_setopt(h, CURLOPT_HTTP_VERSION, strncmp(r->url, "http:", 5) == 0
		    ? (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : (long)CURL_HTTP_VERSION_2TLS);
	if (r->svc == SC_PUSH_WEB && !c->web_allow_private) {
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, web_socket);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, r);
	}
	if (c->ca_file[0] != '\0') {                       /* replaces the system store */
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	return r;
}

sc_push_outcome sc_push_result(sc_push_req *r, CURLcode cc, long status, long *retry_after_s,
    char *why, size_t whylen)
{
	*retry_after_s = r->retry_after;
	if (r->blocked && cc != CURLE_OK) {
		snprintf(why, whylen, "web push: the endpoint's address is loopback, private or "
		    "special (PUSH_WEB_ALLOW_PRIVATE)");
		return SC_PUSH_FAILED;
	}
	if (cc != CURLE_OK) {
		snprintf(why, whylen, "curl: %s%s%s", curl_easy_strerror(cc), r->errbuf[0] ? ": " : "",
		    r->errbuf);
		return cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL
		    ? SC_PUSH_FAILED : SC_PUSH_RETRY;
	}
	switch (r->svc) {
	case SC_PUSH_FCM:  return sc_fcm_classify(r, status, why, whylen);
	case SC_PUSH_APNS: return sc_apns_classify(r, status, why, whylen);
	default:           return sc_web_classify(r, status, why, whylen);
	}
}

void sc_push_req_free(sc_push_req *r)
{
	if (r == NULL)
		return;
	free(r->url);
	curl_slist_free_all(r->hdrs);   /* holds the bearer token: freed, not kept */
	free(r->body);
	sc_buf_cleanup(&r->resp);
	free(r);
}
