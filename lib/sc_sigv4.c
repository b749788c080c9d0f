/* sc_sigv4.c - AWS Signature Version 4 (see sc_sigv4.h). */
#include "sc_sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_rand.h"

#define PART_CAP  4096u     /* one encoded name or value, one header line */
#define CANON_CAP 65536u    /* a whole canonical request */

void sc_sigv4_amz_date(time_t now, char *out)
{
	struct tm tm;
	gmtime_r(&now, &tm);
	if (strftime(out, SC_SIGV4_AMZ_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) == 0)
		out[0] = '\0';
}

int sc_sigv4_encode(sc_buf *out, const char *s, size_t n, int keep_slash)
{
	static const char hexu[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
			if (sc_buf_putc(out, (char)c) < 0)
				return -1;
		} else {
			char e[3] = { '%', hexu[c >> 4], hexu[c & 15] };
			if (sc_buf_append(out, e, 3) < 0)
				return -1;
		}
	}
	return 0;
}

/* An encoded query parameter, or a canonical header (lower-case name and
 * folded value), for sorting. */
typedef struct {
	sc_buf name, value;
} pair;

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->name.ptr, y->name.ptr);
	return c != 0 ? c : strcmp(x->value.ptr, y->value.ptr);
}

static void pairs_init(pair *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		sc_buf_init(&p[i].name, PART_CAP);
		sc_buf_init(&p[i].value, PART_CAP);
		/* an empty value still needs its NUL for strcmp */
		sc_buf_puts(&p[i].name, "");
		sc_buf_puts(&p[i].value, "");
	}
}

static void pairs_cleanup(pair *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		sc_buf_cleanup(&p[i].name);
		sc_buf_cleanup(&p[i].value);
	}
}

/* "a=b&c=d" of the encoded, sorted parameters into out. */
static int canonical_query(sc_buf *out, const sc_sigv4_kv *q, size_t nq)
{
	pair p[SC_SIGV4_MAX_PARAMS];
	size_t i;
	int rc = -1;

	if (nq > SC_SIGV4_MAX_PARAMS)
		return -1;
	pairs_init(p, nq);
	for (i = 0; i < nq; i++)
		if (sc_sigv4_encode(&p[i].name, q[i].name, strlen(q[i].name), 0) < 0 ||
		    sc_sigv4_encode(&p[i].value, q[i].value, strlen(q[i].value), 0) < 0)
			goto out;
	qsort(p, nq, sizeof(p[0]), cmp_pair);
	for (i = 0; i < nq; i++)
		if ((i > 0 && sc_buf_putc(out, '&') < 0) ||
		    sc_buf_append(out, p[i].name.ptr, p[i].name.len) < 0 ||
		    sc_buf_putc(out, '=') < 0 ||
		    sc_buf_append(out, p[i].value.ptr, p[i].value.len) < 0)
			goto out;
	rc = 0;
out:
	pairs_cleanup(p, nq);
	return rc;
}

/* Lower-case name; value without leading/trailing blanks, inner runs of
 * blanks folded to one space. */
static int header_pair(pair *p, const sc_sigv4_kv *h)
{
	const char *v = h->value, *e;
	size_t i;
	int blank = 0;

	for (i = 0; h->name[i] != '\0'; i++) {
		char c = h->name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (sc_buf_putc(&p->name, c) < 0)
			return -1;
	}
	while (*v == ' ' || *v == '\t')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (; v < e; v++) {
		if (*v == ' ' || *v == '\t') {
			blank = 1;
			continue;
		}
		if ((blank && sc_buf_putc(&p->value, ' ') < 0) || sc_buf_putc(&p->value, *v) < 0)
			return -1;
		blank = 0;
	}
	return 0;
}

/* The canonical request into cr and the signed-header list into sh. */
static int canonical_request(sc_buf *cr, sc_buf *sh, const char *method, const char *path,
    const sc_sigv4_kv *q, size_t nq, const sc_sigv4_kv *h, size_t nh, const char *payload)
{
	pair p[SC_SIGV4_MAX_PARAMS];
	size_t i;
	int rc = -1;

	if (nh == 0 || nh > SC_SIGV4_MAX_PARAMS)
		return -1;
	pairs_init(p, nh);
	for (i = 0; i < nh; i++)
		if (header_pair(&p[i], &h[i]) < 0)
			goto out;
	qsort(p, nh, sizeof(p[0]), cmp_pair);
	for (i = 1; i < nh; i++)
		if (strcmp(p[i - 1].name.ptr, p[i].name.ptr) == 0)
			goto out;   /* a header twice: the caller's mistake */
	if (sc_buf_printf(cr, "%s\n", method) < 0 ||
	    sc_sigv4_encode(cr, path, strlen(path), 1) < 0 || sc_buf_putc(cr, '\n') < 0 ||
	    canonical_query(cr, q, nq) < 0 || sc_buf_putc(cr, '\n') < 0)
		goto out;
	for (i = 0; i < nh; i++)
		if (sc_buf_printf(cr, "%s:%s\n", p[i].name.ptr, p[i].value.ptr) < 0 ||
		    (i > 0 && sc_buf_putc(sh, ';') < 0) || sc_buf_puts(sh, p[i].name.ptr) < 0)
			goto out;
	if (sc_buf_printf(cr, "\n%s\n%s", sh->ptr, payload) < 0)
		goto out;
	rc = 0;
out:
	pairs_cleanup(p, nh);
	return rc;
}

/* yyyymmdd/region/service/aws4_request into scope. */
static int make_scope(char *scope, size_t cap, const sc_sigv4_key *k, const char *amz_date)
{
	int n = snprintf(scope, cap, "%.8s/%s/%s/aws4_request", amz_date, k->region, k->service);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* hex(HMAC(signing key, string to sign)) of the canonical request into sig (65 bytes). */
static int sign(char *sig, const sc_sigv4_key *k, const char *amz_date, const char *scope,
    const sc_buf *cr)
{
	unsigned char h[32], key[32], *kp;
	unsigned int len = 0;
	char crhex[65], sts[512], first[4 + 4096 + 1];
	const char *parts[4] = { NULL, k->region, k->service, "aws4_request" };
	char date[9];
	size_t klen, stslen;
	int n, i;

	EVP_Digest(cr->ptr, cr->len, h, &len, EVP_sha256(), NULL);
	sc_hex_encode(h, 32, crhex);
	n = snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, crhex);
	if (n < 0 || (size_t)n >= sizeof(sts))
		return -1;
	stslen = (size_t)n;
	n = snprintf(first, sizeof(first), "AWS4%s", k->secret_key);
	if (n < 0 || (size_t)n >= sizeof(first)) {
		OPENSSL_cleanse(first, sizeof(first));
		return -1;
	}
	memcpy(date, amz_date, 8);
	date[8] = '\0';
	parts[0] = date;
	kp = (unsigned char *)first;
	klen = (size_t)n;
	for (i = 0; i < 4; i++) {
		HMAC(EVP_sha256(), kp, (int)klen, (const unsigned char *)parts[i], strlen(parts[i]),
		    key, &len);
		kp = key;
		klen = len;
	}
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)sts, stslen, h, &len);
	sc_hex_encode(h, 32, sig);
	OPENSSL_cleanse(first, sizeof(first));
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

int sc_sigv4_presign(sc_buf *out, const sc_sigv4_key *k, const char *method,
    const char *scheme, const char *host, const char *path, const sc_sigv4_kv *extra,
    size_t nextra, long long expires_s, time_t now)
{
	sc_sigv4_kv q[SC_SIGV4_MAX_PARAMS], h[1] = { { "host", host } };
	char date[SC_SIGV4_AMZ_DATE_LEN + 1], scope[256], cred[512], exp[24], sig[65];
	sc_buf cr, sh;
	size_t nq = 0, i;
	int n, rc = -1;

	if (expires_s < 1 || expires_s > 604800 || nextra > SC_SIGV4_MAX_PARAMS - 6)
		return -1;
	sc_sigv4_amz_date(now, date);
	if (make_scope(scope, sizeof(scope), k, date) < 0)
		return -1;
	n = snprintf(cred, sizeof(cred), "%s/%s", k->access_key, scope);
	if (n < 0 || (size_t)n >= sizeof(cred))
		return -1;
	snprintf(exp, sizeof(exp), "%lld", expires_s);
	for (i = 0; i < nextra; i++)
		q[nq++] = extra[i];
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Algorithm", "AWS4-HMAC-SHA256" };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Credential", cred };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Date", date };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-Expires", exp };
	if (k->session_token != NULL && k->session_token[0] != '\0')
		q[nq++] = (sc_sigv4_kv){ "X-Amz-Security-Token", k->session_token };
	q[nq++] = (sc_sigv4_kv){ "X-Amz-SignedHeaders", "host" };
	sc_buf_init(&cr, CANON_CAP);
	sc_buf_init(&sh, PART_CAP);
	if (canonical_request(&cr, &sh, method, path, q, nq, h, 1, "UNSIGNED-PAYLOAD") < 0 ||
	    sign(sig, k, date, scope, &cr) < 0)
		goto out;
	if (sc_buf_printf(out, "%s://%s", scheme, host) < 0 ||
	    sc_sigv4_encode(out, path, strlen(path), 1) < 0 || sc_buf_putc(out, '?') < 0 ||
	    canonical_query(out, q, nq) < 0 || sc_buf_printf(out, "&X-Amz-Signature=%s", sig) < 0)
		goto out;
	rc = 0;
out:
	sc_buf_cleanup(&cr);
	sc_buf_cleanup(&sh);
	return rc;
}

int sc_sigv4_authorization(sc_buf *out, const sc_sigv4_key *k, const char *method,
    const char *path, const sc_sigv4_kv *query, size_t nquery, const sc_sigv4_kv *headers,
    size_t nheaders, const char *payload_sha256_hex, time_t now)
{
	char date[SC_SIGV4_AMZ_DATE_LEN + 1], scope[256], sig[65];
	sc_buf cr, sh;
	int rc = -1;

	sc_sigv4_amz_date(now, date);
	if (make_scope(scope, sizeof(scope), k, date) < 0)
		return -1;
	sc_buf_init(&cr, CANON_CAP);
	sc_buf_init(&sh, PART_CAP);
	if (canonical_request(&cr, &sh, method, path, query, nquery, headers, nheaders,
	    payload_sha256_hex) < 0 || sign(sig, k, date, scope, &cr) < 0)
		goto out;
	if (sc_buf_printf(out, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
	    k->access_key, scope, sh.ptr, sig) < 0)
		goto out;
	rc = 0;
out:
	sc_buf_cleanup(&cr);
	sc_buf_cleanup(&sh);
	return rc;
}
