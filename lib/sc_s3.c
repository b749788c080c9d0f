/* sc_s3.c - the s3 storage backend (see sc_s3.h). */
#include "sc_s3.h"

#include <curl/curl.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_config.h"
#include "sc_file.h"
#include "sc_limits.h"
#include "sc_log.h"

#define HOST_CAP     320u           /* bucket "." host ":" port */
#define PATH_CAP     4096u          /* base + bucket + key, raw */
#define URL_CAP      16384u         /* a presigned URL */
#define DISP_CAP     2048u          /* a Content-Disposition value (255-byte name) */
#define AUTH_CAP     2048u          /* an Authorization header value */
#define HEADERS_CAP  (16u * 1024u)  /* response headers of a HEAD or DELETE */
#define BODY_CAP     4096u          /* error body kept from a DELETE (for its <Code>) */
#define CODE_CAP     64u            /* an S3 error code in a log line */

/* An endpoint setting, split: scheme, lower-case host[:port] without a
 * default port, base path ("" or "/a/b", no trailing slash). */
typedef struct {
	char scheme[6];
	char host[HOST_CAP];
	char base[SC_LIMIT_CONFIG_VALUE];
	int  ip;          /* host is an IP literal: no virtual-host style */
} endpoint;

/* Where one request goes: scheme, Host header, raw path. */
typedef struct {
	char scheme[6];
	char host[HOST_CAP];
	char path[PATH_CAP];
} target;

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

/* Split "http(s)://host[:port][/base]" (the value of setting `name`). */
static int endpoint_parse(const char *name, const char *url, endpoint *e)
{
	const char *p, *h, *hend, *port = NULL, *bend;
	size_t hn, i, o = 0;
	long long pv = 0;
	int https;

	memset(e, 0, sizeof(*e));
	if (strncmp(url, "https://", 8) == 0)
		https = 1, p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		https = 0, p = url + 7;
	else
		goto bad;
	h = p;
	if (*h == '[') {   /* [IPv6] */
		hend = strchr(h, ']');
		if (hend == NULL)
			goto bad;
		hend++;
		for (p = h + 1; p < hend - 1; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			    (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
				goto bad;
		e->ip = 1;
	} else {
		int digits_dots = 1;
		for (p = h; *p != '\0' && *p != ':' && *p != '/'; p++) {
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '.'))
				goto bad;   /* also user@, ?query, #fragment */
			if (!((*p >= '0' && *p <= '9') || *p == '.'))
				digits_dots = 0;
		}
		hend = p;
		e->ip = digits_dots;
	}
	if (hend == h || (hend == h + 2 && h[0] == '['))
		goto bad;
	p = hend;
	if (*p == ':') {
		port = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (sc_parse_i64(port, (size_t)(p - port), 1, 65535, &pv) < 0)
			goto bad;
	}
	if (*p != '\0' && *p != '/')
		goto bad;
	/* the Host header: lower case, without the scheme's default port */
	hn = (size_t)(hend - h);
	if (hn + 7 >= sizeof(e->host))
		goto bad;
	for (i = 0; i < hn; i++)
		e->host[o++] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] - 'A' + 'a' : h[i]);
	if (port != NULL && pv != (https ? 443 : 80))
		o += (size_t)snprintf(e->host + o, sizeof(e->host) - o, ":%lld", pv);
	e->host[o] = '\0';
	snprintf(e->scheme, sizeof(e->scheme), "%s", https ? "https" : "http");
	/* the base path: segments of unreserved characters, trailing slashes dropped */
	bend = p + strlen(p);
	while (bend > p && bend[-1] == '/')
		bend--;
	if ((size_t)(bend - p) >= sizeof(e->base))
		goto bad;
	for (i = 0; p + i < bend; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '/') {
			const char *seg = p + i + 1;
			size_t sl = strcspn(seg, "/");
			if (seg + sl > bend)
				sl = (size_t)(bend - seg);
			if (sl == 0 || (sl == 1 && seg[0] == '.') ||
			    (sl == 2 && seg[0] == '.' && seg[1] == '.'))
				goto bad;
		} else if (!unreserved(c)) {
			goto bad;
		}
		e->base[i] = (char)c;
	}
	e->base[i] = '\0';
	return 0;
bad:
	sc_log(SC_LOG_ERROR, "s3: endpoint setting is not http(s)://host[:port][/base]",
	    "\"setting\":\"%s\"", name);
	return -1;
}

/* 1..SC_S3_MAX_KEY_BYTES, no control bytes, no empty, "." or ".." segment. */
static int key_ok(const char *key)
{
	size_t n, i, seg = 0;

	if (key == NULL || (n = strlen(key)) == 0 || n > SC_S3_MAX_KEY_BYTES)
		return 0;
	for (i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c == '/' || c == '\0') {
			size_t l = i - seg;
			if (l == 0 || (l == 1 && key[seg] == '.') ||
			    (l == 2 && key[seg] == '.' && key[seg + 1] == '.'))
				return 0;
			seg = i + 1;
		} else if (c < 0x20 || c == 0x7f) {
			return 0;
		}
	}
	return 1;
}

/* A bucket name: 1..63 of a-z 0-9 . - (and _ A-Z in path-style, for older stores). */
static int bucket_ok(const char *b, int vhost)
{
	size_t i, n = strlen(b);
	if (n == 0 || n > 63)
		return 0;
	for (i = 0; i < n; i++) {
		char c = b[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    (!vhost && ((c >= 'A' && c <= 'Z') || c == '_'))))
			return 0;
	}
	return 1;
}

/* The Host header and the raw path of object_key on the endpoint of setting k. */
static int target_make(sc_config_key k, const char *object_key, target *t)
{
	const char *name = k == SC_CFG_S3_PUBLIC_ENDPOINT ? "S3_PUBLIC_ENDPOINT" : "S3_ENDPOINT";
	const char *url = sc_config_str(k), *bucket = sc_config_str(SC_CFG_S3_BUCKET);
	int vhost = !sc_config_bool(SC_CFG_S3_PATH_STYLE), n;
	endpoint e;

	if (k == SC_CFG_S3_PUBLIC_ENDPOINT && url[0] == '\0')
		url = sc_config_str(SC_CFG_S3_ENDPOINT), name = "S3_ENDPOINT";
	if (endpoint_parse(name, url, &e) < 0)
		return -1;
	/* as the AWS SDKs do: an IP address has no bucket subdomains, and a store's
	 * wildcard certificate covers one label, not "my.bucket" */
	if (vhost && (e.ip || (strchr(bucket, '.') != NULL && strcmp(e.scheme, "https") == 0)))
		vhost = 0;
	if (!bucket_ok(bucket, vhost)) {
		sc_log(SC_LOG_ERROR, vhost ? "s3: S3_BUCKET is not 1..63 bytes of a-z 0-9 . - "
		    "(virtual-host style)" : "s3: S3_BUCKET is not 1..63 bytes of a-z A-Z 0-9 . - _",
		    NULL);
		return -1;
	}
	if (!key_ok(object_key)) {
		sc_log(SC_LOG_ERROR, "s3: object key refused (empty, too long, a control byte, or "
		    "an empty, . or .. segment)", NULL);
		return -1;
	}
	if (vhost) {
		n = snprintf(t->host, sizeof(t->host), "%s.%s", bucket, e.host);
		if (n < 0 || (size_t)n >= sizeof(t->host)) {
			sc_log(SC_LOG_ERROR, "s3: bucket and host too long", NULL);
			return -1;
		}
		n = snprintf(t->path, sizeof(t->path), "%s/%s", e.base, object_key);
	} else {
		snprintf(t->host, sizeof(t->host), "%s", e.host);
		n = snprintf(t->path, sizeof(t->path), "%s/%s/%s", e.base, bucket, object_key);
	}
	if (n < 0 || (size_t)n >= sizeof(t->path)) {
		sc_log(SC_LOG_ERROR, "s3: object path too long", NULL);
		return -1;
	}
	memcpy(t->scheme, e.scheme, sizeof(t->scheme));
	return 0;
}

static sc_sigv4_key key_from_config(void)
{
	sc_sigv4_key k = {
		sc_config_str(SC_CFG_S3_ACCESS_KEY), sc_config_secret(SC_CFG_S3_SECRET_KEY).ptr,
		NULL, sc_config_str(SC_CFG_S3_REGION), "s3",
	};
	return k;
}

static int key_complete(const sc_sigv4_key *k)
{
	if (k->access_key[0] == '\0' || k->secret_key == NULL || k->secret_key[0] == '\0') {
		sc_log(SC_LOG_ERROR, "s3: S3_ACCESS_KEY or S3_SECRET_KEY is not set", NULL);
		return 0;
	}
	return 1;
}

static int cmp_kv_name(const void *a, const void *b)
{
	return strcmp(((const sc_sigv4_kv *)a)->name, ((const sc_sigv4_kv *)b)->name);
}

/* Header names as signed: lower case. */
static int lower_name(char *out, size_t cap, const char *in)
{
	size_t i, n = strlen(in);
	if (n == 0 || n >= cap)
		return -1;
	for (i = 0; i <= n; i++)
		out[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] - 'A' + 'a' : in[i]);
	return 0;
}

/* Presigned URLs need headers other than host signed (content-length,
 * content-type), which sc_sigv4_presign does not take. The signature of a
 * presigned URL is that of a request whose canonical query holds the X-Amz-*
 * parameters (X-Amz-SignedHeaders included) and whose payload hash is
 * UNSIGNED-PAYLOAD, so sc_sigv4_authorization computes it: the signature is
 * the last field of the header value it returns. */
int sc_s3_presign_at(sc_arena *a, const char *method, const char *object_key,
    const sc_sigv4_kv *headers, size_t nheaders, const sc_sigv4_kv *query, size_t nquery,
    long long expires_s, time_t now, char **url)
{
	sc_sigv4_kv q[SC_SIGV4_MAX_PARAMS], h[SC_SIGV4_MAX_PARAMS];
	char names[SC_SIGV4_MAX_PARAMS][64], signed_list[SC_SIGV4_MAX_PARAMS * 65];
	char date[SC_SIGV4_AMZ_DATE_LEN + 1], cred[512], exp[24];
	const char *sig;
	sc_sigv4_key k = key_from_config();
	sc_buf auth, out;
	target t;
	size_t nq = 0, nh = 0, i, o = 0;
	int n, rc = -1;

	*url = NULL;
	if (!key_complete(&k) || target_make(SC_CFG_S3_PUBLIC_ENDPOINT, object_key, &t) < 0)
		return -1;
	if (expires_s < 1 || expires_s > 604800 || nheaders > SC_SIGV4_MAX_PARAMS - 1 ||
	    nquery > SC_SIGV4_MAX_PARAMS - 5)
		goto refused;
	/* the signed header list: host and the given ones, lower case, sorted, once each */
	h[nh++] = (sc_sigv4_kv){ "host", t.host };
	snprintf(names[0], sizeof(names[0]), "host");
	for (i = 0; i < nheaders; i++) {
		if (lower_name(names[nh], sizeof(names[nh]), headers[i].name) < 0)
			goto refused;
		h[nh] = (sc_sigv4_kv){ names[nh], headers[i].value };
		nh++;
	}
	qsort(h, nh, sizeof(h[0]), cmp_kv_name);
	for (i = 0; i < nh; i++) {
		if (i > 0 && strcmp(h[i - 1].name, h[i].name) == 0)
			goto refused;   /* host given, or a header twice */
		o += (size_t)snprintf(signed_list + o, sizeof(signed_list) - o, "%s%s",
		    i > 0 ? ";" : "", h[i].name);
	}
	sc_sigv4_amz_date(now, date);
	n = snprintf(cred, sizeof(cred), "%s/%.8s/%s/s3/aws4_request", k.access_key, date, k.region);
	if (n < 0 || (size_t)n >= sizeof(cred))
		goto refused;
	snprintf(exp, sizeof(exp), "%lld", expires_s);
	for (i = 0; i < nquery; i++)
		q[nq++] = query[i];
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Algorithm", "AWS4-HMAC-SHA256" };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Credential", cred };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Date", date };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Expires", exp };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-SignedHeaders", signed_list };
	/* the URL lists them in canonical order (names are plain ASCII, so raw order is
	 * encoded order) */
	qsort(q, nq, sizeof(q[0]), cmp_kv_name);
	sc_buf_init(&auth, AUTH_CAP);
	sc_buf_init(&out, URL_CAP);
	if (sc_sigv4_authorization(&auth, &k, method, t.path, q, nq, h, nh, "UNSIGNED-PAYLOAD",
	    now) < 0 || auth.len < 64 || (sig = strstr(auth.ptr, "Signature=")) == NULL ||
	    strlen(sig) != 10 + 64)
		goto out;
	sig += 10;
	if (sc_buf_printf(&out, "%s://%s", t.scheme, t.host) < 0 ||
	    sc_sigv4_encode(&out, t.path, strlen(t.path), 1) < 0)
		goto out;
	for (i = 0; i < nq; i++)
		if (sc_buf_putc(&out, i == 0 ? '?' : '&') < 0 ||
		    sc_sigv4_encode(&out, q[i].name, strlen(q[i].name), 0) < 0 ||
		    sc_buf_putc(&out, '=') < 0 ||
		    sc_sigv4_encode(&out, q[i].value, strlen(q[i].value), 0) < 0)
			goto out;
	if (sc_buf_printf(&out, "&X-Amz-Signature=%s", sig) < 0)
		goto out;
	*url = sc_arena_strndup(a, out.ptr, out.len);
	rc = 0;
out:
	if (rc < 0)
		sc_log(SC_LOG_ERROR, "s3: presigned URL not made (a part too long)", NULL);
	sc_buf_cleanup(&auth);
	sc_buf_cleanup(&out);
	return rc;
refused:
	sc_log(SC_LOG_ERROR, "s3: presigned URL refused (lifetime out of 1..604800 s, too many "
	    "parameters, a header twice or host given, access key too long)",
	    "\"expires\":%lld", expires_s);
	return -1;
}

/* A content type: 1..255 bytes of printable ASCII, no blank at either end (SigV4
 * would fold it, and the client must send exactly what was signed). */
static int type_ok(const char *t)
{
	size_t i, n = strlen(t);
	if (n == 0 || n > 255 || t[0] == ' ' || t[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] > 0x7e)
			return 0;
	return 1;
}

int sc_s3_presign_put_at(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, time_t now, char **url)
{
	sc_sigv4_kv h[2];
	char len[24];
	size_t nh = 0;

	*url = NULL;
	if (size < 0 || size > SC_S3_MAX_PUT_BYTES) {
		sc_log(SC_LOG_ERROR, "s3: PUT size out of range", "\"size\":%lld", size);
		return -1;
	}
	snprintf(len, sizeof(len), "%lld", size);
	h[nh++] = (sc_sigv4_kv){ "content-length", len };
	if (content_type != NULL && content_type[0] != '\0') {
		if (!type_ok(content_type)) {
			sc_log(SC_LOG_ERROR, "s3: content type refused (not printable ASCII)", NULL);
			return -1;
		}
		h[nh++] = (sc_sigv4_kv){ "content-type", content_type };
	}
	return sc_s3_presign_at(a, "PUT", object_key, h, nh, NULL, 0, expires_s, now, url);
}

int sc_s3_presign_put(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, char **url)
{
	return sc_s3_presign_put_at(a, object_key, size, content_type, expires_s, time(NULL), url);
}

int sc_s3_disposition(sc_buf *out, const char *file_name)
{
	char d[SC_FILE_DISPOSITION_MAX];
	size_t n = file_name != NULL ? strlen(file_name) : 0;

	if (n > SC_S3_MAX_NAME_BYTES)
		return -1;
	/* the same header the local backend's downloads carry; a name that is
	 * not a valid file name (never stored) gets no file name at all */
	if (n == 0 || sc_file_disposition(file_name, n, d) < 0)
		return sc_buf_puts(out, "attachment");
	return sc_buf_puts(out, d);
}

int sc_s3_presign_get_at(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, time_t now, char **url)
{
	sc_sigv4_kv q[2];
	sc_buf disp;
	size_t nq = 0;
	int rc = -1;

	*url = NULL;
	sc_buf_init(&disp, DISP_CAP);
	if (sc_s3_disposition(&disp, file_name) < 0) {
		sc_log(SC_LOG_ERROR, "s3: file name too long for a download", NULL);
		goto out;
	}
	q[nq++] = (sc_sigv4_kv){ "response-content-disposition", disp.ptr };
	if (content_type != NULL && content_type[0] != '\0') {
		if (!type_ok(content_type)) {
			sc_log(SC_LOG_ERROR, "s3: content type refused (not printable ASCII)", NULL);
			goto out;
		}
		q[nq++] = (sc_sigv4_kv){ "response-content-type", content_type };
	}
	rc = sc_s3_presign_at(a, "GET", object_key, NULL, 0, q, nq, expires_s, now, url);
out:
	sc_buf_cleanup(&disp);
	return rc;
}

int sc_s3_presign_get(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, char **url)
{
	return sc_s3_presign_get_at(a, object_key, file_name, content_type, expires_s,
	    time(NULL), url);
}

/* ---- the server's own requests */

typedef struct {
	char      host[HOST_CAP];   /* for log lines */
	size_t    header_bytes;
	long long content_length;
	int       have_length;
	int       bad_length;
	sc_buf    body;
} response;

/* Only Content-Length is read from the store's headers; a new status line (after
 * a 1xx) forgets what came before. Past HEADERS_CAP the transfer is aborted. */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	response *r = ud;
	size_t n = size * nmemb, vn;
	const char *v;
	long long len = 0;

	r->header_bytes += n;
	if (r->header_bytes > HEADERS_CAP)
		return 0;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		r->have_length = r->bad_length = 0;
		return n;
	}
	if (n < 15 || strncasecmp(p, "content-length:", 15) != 0)
		return n;
	v = p + 15;
	vn = n - 15;
	while (vn > 0 && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn > 0 && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' ' ||
	    v[vn - 1] == '\t'))
		vn--;
	if (sc_parse_i64(v, vn, 0, LLONG_MAX, &len) < 0 ||
	    (r->have_length && len != r->content_length))
		r->bad_length = 1;
	r->content_length = len;
	r->have_length = 1;
	return n;
}

/* Keeps the first BODY_CAP bytes (an error document), drops the rest. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	response *r = ud;
	size_t n = size * nmemb, room = r->body.cap - r->body.len;
	if (room > 0)
		sc_buf_append(&r->body, p, n < room ? n : room);
	return n;
}

/* The <Code> of an S3 error document, letters and digits only, into code. */
static void error_code(const sc_buf *body, char *code, size_t cap)
{
	const char *s = body->ptr ? strstr(body->ptr, "<Code>") : NULL;
	size_t o = 0;
	code[0] = '\0';
	if (s == NULL)
		return;
	for (s += 6; *s != '\0' && *s != '<' && o + 1 < cap; s++)
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			code[o++] = *s;
	code[o] = '\0';
}

/* One line: what failed, where (the host: validated, no secret), the status and
 * the store's error code when there were any. */
static void log_failure(const char *method, const response *r, const char *why, long status)
{
	char code[CODE_CAP];
	sc_buf w;

	error_code(&r->body, code, sizeof(code));
	sc_buf_init(&w, 512);
	if (sc_buf_json_str(&w, why, strlen(why)) < 0) {
		sc_buf_reset(&w);
		sc_buf_puts(&w, "\"?\"");
	}
	sc_log(SC_LOG_ERROR, "s3: request failed",
	    "\"method\":\"%s\",\"host\":\"%s\",\"status\":%ld,\"code\":\"%s\",\"error\":%s",
	    method, r->host, status, code, w.ptr);
	sc_buf_cleanup(&w);
}

/* Append "Name: value" to a curl header list. */
static int add_header(struct curl_slist **hl, const char *name, const char *value)
{
	char line[AUTH_CAP + 64];
	struct curl_slist *t;
	int n = snprintf(line, sizeof(line), "%s: %s", name, value);
	if (n < 0 || (size_t)n >= sizeof(line) || (t = curl_slist_append(*hl, line)) == NULL)
		return -1;
	*hl = t;
	return 0;
}

/* A signed request without a payload (HEAD, DELETE) on S3_ENDPOINT, one easy
 * handle per call (a program makes one or two per request). *status and r on
 * a completed exchange (any status); -1 before it or on a transport failure. */
static int request(const char *method, const char *object_key, long *status, response *r)
{
	static int curl_ready;
	char date[SC_SIGV4_AMZ_DATE_LEN + 1];
	sc_sigv4_key k = key_from_config();
	struct curl_slist *hl = NULL, *tmp;
	sc_buf auth, url;
	CURL *c = NULL;
	CURLcode cc;
	target t;
	time_t now = time(NULL);
	int rc = -1;

	*status = 0;
	if (!key_complete(&k) || target_make(SC_CFG_S3_ENDPOINT, object_key, &t) < 0)
		return -1;
	snprintf(r->host, sizeof(r->host), "%s", t.host);
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			sc_log(SC_LOG_ERROR, "s3: curl_global_init failed", NULL);
			return -1;
		}
		curl_ready = 1;
	}
	sc_sigv4_amz_date(now, date);
	sc_buf_init(&auth, AUTH_CAP);
	sc_buf_init(&url, URL_CAP);
	{
		const sc_sigv4_kv h[] = {
			{ "Host", t.host }, { "x-amz-content-sha256", SC_SIGV4_EMPTY_SHA256 },
			{ "x-amz-date", date },
		};
		size_t i;
		if (sc_sigv4_authorization(&auth, &k, method, t.path, NULL, 0, h, 3,
		    SC_SIGV4_EMPTY_SHA256, now) < 0 ||
		    sc_buf_printf(&url, "%s://%s", t.scheme, t.host) < 0 ||
		    sc_sigv4_encode(&url, t.path, strlen(t.path), 1) < 0) {
			sc_log(SC_LOG_ERROR, "s3: request not signed (a part too long)", NULL);
			goto out;
		}
		/* curl sends exactly what was signed (its own Host is replaced) */
		for (i = 0; i < 3; i++)
			if (add_header(&hl, h[i].name, h[i].value) < 0)
				goto out;
	}
	if (add_header(&hl, "Authorization", auth.ptr) < 0 ||
	    (tmp = curl_slist_append(hl, "Accept:")) == NULL)
		goto out;
	hl = tmp;
	if ((c = curl_easy_init()) == NULL)
		goto out;
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, SC_S3_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, SC_S3_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "secureconnect");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		log_failure(method, r, r->header_bytes > HEADERS_CAP ? "response headers too long" :
		    curl_easy_strerror(cc), 0);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	rc = 0;
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	sc_buf_cleanup(&auth);
	sc_buf_cleanup(&url);
	return rc;
}

int sc_s3_head(const char *object_key, long long *size, int *found)
{
	response r = { 0 };
	long status;
	int rc = -1;

	*size = 0;
	*found = 0;
	sc_buf_init(&r.body, BODY_CAP);
	if (request("HEAD", object_key, &status, &r) < 0)
		goto out;
	if (status == 404) {
		rc = 0;
	} else if (status == 200 && r.have_length && !r.bad_length) {
		*size = r.content_length;
		*found = 1;
		rc = 0;
	} else {
		log_failure("HEAD", &r, status == 200 ? "no valid Content-Length" :
		    "unexpected status", status);
	}
out:
	sc_buf_cleanup(&r.body);
	return rc;
}

int sc_s3_delete(const char *object_key)
{
	response r = { 0 };
	long status;
	int rc = -1;

	sc_buf_init(&r.body, BODY_CAP);
	if (request("DELETE", object_key, &status, &r) < 0)
		goto out;
	if (status == 204 || status == 200 || status == 404)
		rc = 0;
	else
		log_failure("DELETE", &r, "unexpected status", status);
out:
	sc_buf_cleanup(&r.body);
	return rc;
}
