/* test_s3.c - the s3 storage backend (lib/sc_s3.c).
 *
 * 1. URL shapes, exact strings: path-style, virtual-host (and its fallbacks),
 *    base path, public endpoint, default ports, special characters in keys and
 *    file names; each signature is checked the way a store checks it (recomputed
 *    from the URL's parts and the headers the client will send).
 * 2. The AWS SDK's presigner for the same inputs (tests/unit/fixtures/s3-sdk.txt,
 *    written by tests/s3/gen-fixtures.mjs): the same URL, byte for byte.
 * 3. HEAD and DELETE against a one-shot fake server forked here: the request
 *    as sent (path, Host, signature), every status path, bad Content-Length,
 *    oversized headers, a refused connection, what the log says.
 * 4. With SC_TEST_S3_ENDPOINT (tests/s3/run.sh starts s3rver): a presigned PUT
 *    uploads, HEAD reports the size, a presigned GET returns the same bytes as an
 *    attachment, DELETE removes the object. Skipped without it (make unit).
 * T_S3_LOG=1 shows the library's log lines (quiet otherwise). */
#include "t_common.h"

#include "sc_s3.h"
#include "sc_url.h"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T_TIME   ((time_t)1767323045)   /* 2026-01-02T03:04:05Z */
#define T_AK     "sc-access"
#define T_SK     "sc-secret/with+chars"
#define CRED     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=sc-access%2F20260102%2F"
#define DATE_EXP(e) "&X-Amz-Date=20260102T030405Z&X-Amz-Expires=" e

static sc_arena arena;

static int setup(void **state)
{
	(void)state;
	sc_arena_init(&arena);
	if (getenv("T_S3_LOG") == NULL)
		t_quiet_log();
	else
		sc_log_init("unit-test", 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&arena);
	return 0;
}

/* S3 settings: endpoint, public endpoint ("" none), path style, bucket. */
static void s3_config(const char *endpoint, const char *pub, const char *path_style,
    const char *bucket)
{
	t_config("STORAGE_BACKEND", "s3", "S3_ENDPOINT", endpoint, "S3_PUBLIC_ENDPOINT", pub,
	    "S3_PATH_STYLE", path_style, "S3_BUCKET", bucket, "S3_ACCESS_KEY", T_AK,
	    "S3_SECRET_KEY", T_SK, "S3_REGION", "us-east-1", NULL);
}

/* ---- a store's check of a presigned URL */

static long long parse_amz_date(const char *d)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(d, "%Y%m%dT%H%M%SZ", &tm));
	return (long long)timegm(&tm);
}

/* Recompute the signature of url from its parts, the secret and the headers
 * the client sends besides Host (raw), and compare. Fails the test if the store
 * would refuse it, or if the signed headers are not exactly host + those. */
static void verify_presigned(const char *url, const char *method, const sc_sigv4_kv *hdrs,
    size_t nh)
{
	char copy[16384], path[4096], names[16][128], values[16][4096], *host, *p, *q, *save = NULL;
	char signed_hdrs[512] = "", sig[80] = "", date[32] = "", *t;
	sc_sigv4_kv query[16], h[16];
	sc_sigv4_key k = { T_AK, T_SK, NULL, "us-east-1", "s3" };
	size_t nq = 0, i;
	sc_buf b;
	const char *got;

	assert_true(strlen(url) < sizeof(copy));
	strcpy(copy, url);
	host = strstr(copy, "://");
	assert_non_null(host);
	host += 3;
	p = strchr(host, '/');
	assert_non_null(p);
	q = strchr(p, '?');
	assert_non_null(q);
	*q++ = '\0';
	assert_true(sc_url_decode(p, strlen(p), 0, path) >= 0);
	*p = '\0';   /* host ends here */
	for (t = strtok_r(q, "&", &save); t != NULL; t = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(t, '=');
		assert_non_null(eq);
		assert_true(nq < 16);
		*eq = '\0';
		assert_true(sc_url_decode(t, strlen(t), 0, names[nq]) >= 0);
		assert_true(sc_url_decode(eq + 1, strlen(eq + 1), 0, values[nq]) >= 0);
		if (strcmp(names[nq], "X-Amz-Signature") == 0) {
			snprintf(sig, sizeof(sig), "%s", values[nq]);
			continue;
		}
		if (strcmp(names[nq], "X-Amz-SignedHeaders") == 0)
			snprintf(signed_hdrs, sizeof(signed_hdrs), "%s", values[nq]);
		if (strcmp(names[nq], "X-Amz-Date") == 0)
			snprintf(date, sizeof(date), "%s", values[nq]);
		query[nq] = (sc_sigv4_kv){ names[nq], values[nq] };
		nq++;
	}
	assert_int_equal(strlen(sig), 64);
	h[0] = (sc_sigv4_kv){ "host", host };
	for (i = 0; i < nh; i++)
		h[i + 1] = hdrs[i];
	sc_buf_init(&b, 8192);
	assert_int_equal(sc_sigv4_authorization(&b, &k, method, path, query, nq, h, nh + 1,
	    "UNSIGNED-PAYLOAD", (time_t)parse_amz_date(date)), 0);
	got = strstr(b.ptr, "Signature=");
	assert_non_null(got);
	if (strcmp(got + 10, sig) != 0)
		fail_msg("signature of %s: a store computes %s", url, got + 10);
	got = strstr(b.ptr, "SignedHeaders=");
	assert_non_null(got);
	if (strncmp(got + 14, signed_hdrs, strlen(signed_hdrs)) != 0 ||
	    got[14 + strlen(signed_hdrs)] != ',')
		fail_msg("X-Amz-SignedHeaders %s, the client sends %s", signed_hdrs, got + 14);
	sc_buf_cleanup(&b);
}

/* url must be want (everything before the signature) + "&X-Amz-Signature=" + 64 hex. */
static void url_is(const char *url, const char *want)
{
	size_t n = strlen(want), i;
	assert_non_null(url);
	if (strncmp(url, want, n) != 0 || strncmp(url + n, "&X-Amz-Signature=", 17) != 0)
		fail_msg("URL\n  %s\nwanted\n  %s&X-Amz-Signature=...", url, want);
	assert_int_equal(strlen(url + n + 17), 64);
	for (i = n + 17; url[i] != '\0'; i++)
		assert_true((url[i] >= '0' && url[i] <= '9') || (url[i] >= 'a' && url[i] <= 'f'));
}

/* ---- 1. URL shapes */

static void test_put_path_style(void **state)
{
	const sc_sigv4_kv hdr[] = { { "Content-Length", "1234" }, { "Content-Type", "image/png" } };
	const sc_sigv4_kv zero[] = { { "Content-Length", "0" } };
	char *url;
	(void)state;
	s3_config("http://127.0.0.1:9000", "", "true", "uploads");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 1234, "image/png", 900, T_TIME,
	    &url), 0);
	url_is(url, "http://127.0.0.1:9000/uploads/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("900") "&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost");
	verify_presigned(url, "PUT", hdr, 2);
	/* no content type: only the length is bound */
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 0, NULL, 60, T_TIME, &url), 0);
	url_is(url, "http://127.0.0.1:9000/uploads/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("60") "&X-Amz-SignedHeaders=content-length%3Bhost");
	verify_presigned(url, "PUT", zero, 1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 7, "", 60, T_TIME, &url), 0);
	assert_non_null(strstr(url, "X-Amz-SignedHeaders=content-length%3Bhost&"));
}

static void test_virtual_host(void **state)
{
	const sc_sigv4_kv hdr[] = { { "content-length", "5" } };
	char *url;
	(void)state;
	s3_config("https://s3.eu-central-1.amazonaws.com", "", "false", "sc-files");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	url_is(url, "https://sc-files.s3.eu-central-1.amazonaws.com/u1/f1?" CRED
	    "us-east-1%2Fs3%2Faws4_request" DATE_EXP("900")
	    "&X-Amz-SignedHeaders=content-length%3Bhost");
	verify_presigned(url, "PUT", hdr, 1);
	/* https and a dotted bucket: path-style (the wildcard certificate covers one label) */
	s3_config("https://s3.example.org", "", "false", "files.example.org");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "https://s3.example.org/files.example.org/u1/f1?", 47) == 0);
	verify_presigned(url, "PUT", hdr, 1);
	/* plain http keeps the dotted bucket in the host */
	s3_config("http://s3.example.org:9000", "", "false", "files.example.org");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "http://files.example.org.s3.example.org:9000/u1/f1?", 51) == 0);
	verify_presigned(url, "PUT", hdr, 1);
	/* an IP address has no subdomains: path-style */
	s3_config("http://10.0.0.5:9000", "", "false", "b");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "http://10.0.0.5:9000/b/u1/f1?", 29) == 0);
	s3_config("http://[fd00::5]:9000", "", "false", "b");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "http://[fd00::5]:9000/b/u1/f1?", 30) == 0);
	verify_presigned(url, "PUT", hdr, 1);
	/* virtual-host style needs a DNS name */
	s3_config("https://s3.example.org", "", "false", "Upper_Case");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), -1);
	assert_null(url);
	s3_config("https://s3.example.org", "", "true", "Upper_Case");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "https://s3.example.org/Upper_Case/u1/f1?", 40) == 0);
}

static void test_base_path_and_ports(void **state)
{
	const sc_sigv4_kv hdr[] = { { "content-length", "5" } };
	char *url;
	(void)state;
	/* host lower-cased, default port dropped, trailing slashes dropped, base kept */
	s3_config("http://Store.Example.ORG:80/s3/v1//", "", "true", "b");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	url_is(url, "http://store.example.org/s3/v1/b/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("900") "&X-Amz-SignedHeaders=content-length%3Bhost");
	verify_presigned(url, "PUT", hdr, 1);
	s3_config("https://store.example.org:443/base", "", "false", "b");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "https://b.store.example.org/base/u1/f1?", 39) == 0);
	verify_presigned(url, "PUT", hdr, 1);
	s3_config("https://store.example.org:80/", "", "true", "b");
	assert_int_equal(sc_s3_presign_put_at(&arena, "u1/f1", 5, NULL, 900, T_TIME, &url), 0);
	assert_true(strncmp(url, "https://store.example.org:80/b/u1/f1?", 37) == 0);
	verify_presigned(url, "PUT", hdr, 1);
}

static void test_public_endpoint(void **state)
{
	char *url;
	(void)state;
	/* the server talks to minio:9000, clients get the public name */
	s3_config("http://minio:9000", "https://files.example.org", "true", "uploads");
	assert_int_equal(sc_s3_presign_get_at(&arena, "u1/f1", "a.txt", "text/plain", 3600, T_TIME,
	    &url), 0);
	url_is(url, "https://files.example.org/uploads/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("3600") "&X-Amz-SignedHeaders=host"
	    "&response-content-disposition=attachment%3B%20filename%3D%22a.txt%22"
	    "&response-content-type=text%2Fplain");
	verify_presigned(url, "GET", NULL, 0);
}

static void test_key_characters(void **state)
{
	const sc_sigv4_kv hdr[] = { { "content-length", "1" } };
	char *url;
	(void)state;
	s3_config("http://127.0.0.1:9000", "", "true", "uploads");
	assert_int_equal(sc_s3_presign_put_at(&arena, "a b/\xc3\xbc+=&?#%~'*()!.x", 1, NULL, 60,
	    T_TIME, &url), 0);
	assert_true(strncmp(url, "http://127.0.0.1:9000/uploads/"
	    "a%20b/%C3%BC%2B%3D%26%3F%23%25~%27%2A%28%29%21.x?X-Amz-Algorithm=", 87) == 0);
	verify_presigned(url, "PUT", hdr, 1);
}

static void test_get_url(void **state)
{
	char *url;
	(void)state;
	s3_config("http://127.0.0.1:9000", "", "true", "uploads");
	assert_int_equal(sc_s3_presign_get_at(&arena, "u1/f1", "Bericht M\xc3\xa4rz.pdf",
	    "application/pdf", 3600, T_TIME, &url), 0);
	url_is(url, "http://127.0.0.1:9000/uploads/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("3600") "&X-Amz-SignedHeaders=host"
	    "&response-content-disposition=attachment%3B%20filename%3D%22Bericht%20M_rz.pdf%22"
	    "%3B%20filename%2A%3DUTF-8%27%27Bericht%2520M%25C3%25A4rz.pdf"
	    "&response-content-type=application%2Fpdf");
	verify_presigned(url, "GET", NULL, 0);
	/* no name, no type: attachment alone, the object's type */
	assert_int_equal(sc_s3_presign_get_at(&arena, "u1/f1", NULL, NULL, 60, T_TIME, &url), 0);
	url_is(url, "http://127.0.0.1:9000/uploads/u1/f1?" CRED "us-east-1%2Fs3%2Faws4_request"
	    DATE_EXP("60") "&X-Amz-SignedHeaders=host&response-content-disposition=attachment");
	verify_presigned(url, "GET", NULL, 0);
}

static void disp_is(const char *name, const char *want)
{
	sc_buf b;
	sc_buf_init(&b, 4096);
	assert_int_equal(sc_s3_disposition(&b, name), 0);
	assert_string_equal(b.ptr, want);
	sc_buf_cleanup(&b);
}

static void test_disposition(void **state)
{
	char longname[300];
	sc_buf b;
	(void)state;
	disp_is(NULL, "attachment");
	disp_is("", "attachment");
	disp_is("report (1).pdf", "attachment; filename=\"report (1).pdf\"");
	disp_is("a;b,c=d'e.txt", "attachment; filename=\"a;b,c=d'e.txt\"");
	/* quotes and % leave the fallback; filename* keeps them */
	disp_is("say \"hi\" 100%.txt", "attachment; filename=\"say _hi_ 100_.txt\"; "
	    "filename*=UTF-8''say%20%22hi%22%20100%25.txt");
	/* one _ per character in the fallback; UTF-8 in filename* */
	disp_is("\xc3\x9c" "ber \xe2\x82\xac 5.txt", "attachment; filename=\"_ber _ 5.txt\"; "
	    "filename*=UTF-8''%C3%9Cber%20%E2%82%AC%205.txt");
	disp_is("\xf0\x9f\x98\x80.png", "attachment; filename=\"_.png\"; "
	    "filename*=UTF-8''%F0%9F%98%80.png");
	/* a name that is not a valid file name (never stored) gets none: control
	 * bytes never reach a header, nor does invalid UTF-8 or a backslash */
	disp_is("a\r\nSet-Cookie: x\t.txt", "attachment");
	disp_is("a\xff\xfe.bin", "attachment");
	disp_is("a\\b.txt", "attachment");
	/* RFC 8187 attr-char stays as is */
	disp_is("!#$&+-.^_`|~\"", "attachment; filename=\"!#$&+-.^_`|~_\"; "
	    "filename*=UTF-8''!#$&+-.^_`|~%22");
	memset(longname, 'a', 255);
	longname[255] = '\0';
	sc_buf_init(&b, 4096);
	assert_int_equal(sc_s3_disposition(&b, longname), 0);
	sc_buf_reset(&b);
	longname[255] = 'a';
	longname[256] = '\0';
	assert_int_equal(sc_s3_disposition(&b, longname), -1);
	sc_buf_cleanup(&b);
}

static void test_refusals(void **state)
{
	static const char *bad_keys[] = { "", "/a", "a/", "a//b", "./a", "a/./b", "a/../b", "..",
		"a\nb", "a\x7f", NULL };
	static const char *bad_endpoints[] = { "", "ftp://h", "http://", "http://user@h",
		"http://h?x=1", "http://h#f", "http://h:0", "http://h:65536", "http://h:", "http://h:9x",
		"http://h/a b", "http://h/a/../b", "http://h/a//b", "http://h/%41", "http://[::1",
		"http://[]", "http://[::g]", "http://h_h", NULL };
	char key[1100], *url;
	size_t i;
	(void)state;
	s3_config("http://127.0.0.1:9000", "", "true", "uploads");
	for (i = 0; bad_keys[i] != NULL; i++)
		if (sc_s3_presign_put_at(&arena, bad_keys[i], 1, NULL, 60, T_TIME, &url) != -1)
			fail_msg("key '%s' was accepted", bad_keys[i]);
	memset(key, 'k', 1024);
	key[1024] = '\0';
	assert_int_equal(sc_s3_presign_put_at(&arena, key, 1, NULL, 60, T_TIME, &url), 0);
	key[1024] = 'k';
	key[1025] = '\0';
	assert_int_equal(sc_s3_presign_put_at(&arena, key, 1, NULL, 60, T_TIME, &url), -1);
	assert_null(url);
	/* sizes, types, lifetimes */
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", -1, NULL, 60, T_TIME, &url), -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", SC_S3_MAX_PUT_BYTES, NULL, 60, T_TIME,
	    &url), 0);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", SC_S3_MAX_PUT_BYTES + 1, NULL, 60,
	    T_TIME, &url), -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, "text/plain\r\nX: y", 60, T_TIME,
	    &url), -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, " text/plain", 60, T_TIME, &url),
	    -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, "t\xc3\xa9xt/plain", 60, T_TIME,
	    &url), -1);
	assert_int_equal(sc_s3_presign_get_at(&arena, "u/f", "a", "text/plain\n", 60, T_TIME, &url),
	    -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 0, T_TIME, &url), -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 604801, T_TIME, &url), -1);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 604800, T_TIME, &url), 0);
	/* the general form: host is its own, a header once */
	{
		const sc_sigv4_kv host[] = { { "Host", "evil.example" } };
		const sc_sigv4_kv twice[] = { { "content-type", "a/b" }, { "Content-Type", "a/b" } };
		assert_int_equal(sc_s3_presign_at(&arena, "PUT", "u/f", host, 1, NULL, 0, 60, T_TIME,
		    &url), -1);
		assert_int_equal(sc_s3_presign_at(&arena, "PUT", "u/f", twice, 2, NULL, 0, 60, T_TIME,
		    &url), -1);
		assert_int_equal(sc_s3_presign_at(&arena, "PUT", "u/f", twice, 1, NULL, 0, 60, T_TIME,
		    &url), 0);
	}
	/* endpoints the configuration lets through (it checks http(s):// only) */
	for (i = 0; bad_endpoints[i] != NULL; i++) {
		t_config("S3_ENDPOINT", bad_endpoints[i], "S3_BUCKET", "b", "S3_ACCESS_KEY", T_AK,
		    "S3_SECRET_KEY", T_SK, NULL);
		if (sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 60, T_TIME, &url) != -1)
			fail_msg("endpoint '%s' was accepted: %s", bad_endpoints[i], url);
	}
	/* a bad public endpoint is not replaced by the good private one */
	t_config("S3_ENDPOINT", "http://h", "S3_PUBLIC_ENDPOINT", "http://u@h", "S3_BUCKET", "b",
	    "S3_ACCESS_KEY", T_AK, "S3_SECRET_KEY", T_SK, NULL);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 60, T_TIME, &url), -1);
	/* no credentials, no bucket (the backend is local: the configuration let it pass) */
	t_config("S3_ENDPOINT", "http://h", "S3_BUCKET", "b", NULL);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 60, T_TIME, &url), -1);
	t_config("S3_ENDPOINT", "http://h", "S3_ACCESS_KEY", T_AK, "S3_SECRET_KEY", T_SK, NULL);
	assert_int_equal(sc_s3_presign_put_at(&arena, "u/f", 1, NULL, 60, T_TIME, &url), -1);
	assert_int_equal(sc_s3_delete("u/f"), -1);
}

/* ---- 2. the AWS SDK's presigner */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t query_items(char *q, char **items, size_t max)
{
	size_t n = 0;
	char *save = NULL, *t;
	for (t = strtok_r(q, "&", &save); t != NULL && n < max; t = strtok_r(NULL, "&", &save))
		items[n++] = t;
	qsort(items, n, sizeof(items[0]), cmp_str);
	return n;
}

static void test_aws_sdk_presigner(void **state)
{
	char line[8192], *f[15], *save, *p, *sdk_q, *our_q, *sdk_items[32], *our_items[32], *url;
	FILE *fp = fopen("tests/unit/fixtures/s3-sdk.txt", "r");
	int cases = 0;
	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t nf = 0, ns, no, i;
		line[strcspn(line, "\n")] = '\0';
		for (p = strtok_r(line, "\t", &save); p != NULL && nf < 15; p = strtok_r(NULL, "\t", &save))
			f[nf++] = p;
		assert_int_equal(nf, 15);
		t_config("STORAGE_BACKEND", "s3", "S3_ENDPOINT", f[2], "S3_PATH_STYLE",
		    strcmp(f[3], "1") == 0 ? "true" : "false", "S3_REGION", f[4], "S3_BUCKET", f[5],
		    "S3_ACCESS_KEY", f[9], "S3_SECRET_KEY", f[10], NULL);
		if (strcmp(f[1], "PUT") == 0)
			assert_int_equal(sc_s3_presign_put_at(&arena, f[6], strtoll(f[11], NULL, 10),
			    strcmp(f[13], "-") == 0 ? NULL : f[13], strtoll(f[7], NULL, 10),
			    (time_t)strtoll(f[8], NULL, 10), &url), 0);
		else
			assert_int_equal(sc_s3_presign_get_at(&arena, f[6],
			    strcmp(f[12], "-") == 0 ? NULL : f[12], strcmp(f[13], "-") == 0 ? NULL : f[13],
			    strtoll(f[7], NULL, 10), (time_t)strtoll(f[8], NULL, 10), &url), 0);
		sdk_q = strchr(f[14], '?');
		our_q = strchr(url, '?');
		assert_non_null(sdk_q);
		assert_non_null(our_q);
		*sdk_q++ = '\0';
		*our_q++ = '\0';
		if (strcmp(url, f[14]) != 0)
			fail_msg("%s: %s, the SDK's %s", f[0], url, f[14]);
		ns = query_items(sdk_q, sdk_items, 32);
		no = query_items(our_q, our_items, 32);
		assert_int_equal(no, ns);
		for (i = 0; i < ns; i++)
			if (strcmp(our_items[i], sdk_items[i]) != 0)
				fail_msg("%s: parameter %s, the SDK's %s", f[0], our_items[i], sdk_items[i]);
		cases++;
	}
	fclose(fp);
	assert_int_equal(cases, 6);
}

/* ---- 3. HEAD and DELETE against a fake store */

typedef struct {
	pid_t pid;
	int   port;
	int   rfd;             /* the request as the fake received it */
	char  req[16384];
} fake_store;

/* A listening loopback socket in SC_PORT_LO..SC_PORT_HI when set, else any port. */
static int listen_loopback(int *port)
{
	const char *lo = getenv("SC_PORT_LO"), *hi = getenv("SC_PORT_HI");
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1, i, l = lo ? atoi(lo) : 0, h = hi ? atoi(hi) : 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 200; i++) {
		sa.sin_port = htons((uint16_t)(l > 0 && h >= l ? l + rand() % (h - l + 1) : 0));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
	}
	assert_true(i < 200);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Fork a server that accepts one connection, reads the request head, hands it
 * to the parent through a pipe and answers with resp. */
static void fake_start(fake_store *fs, const char *resp)
{
	int lfd = listen_loopback(&fs->port), pfd[2];
	assert_int_equal(pipe(pfd), 0);
	fs->pid = fork();
	assert_true(fs->pid >= 0);
	if (fs->pid == 0) {
		char buf[16384];
		size_t n = 0, rl = strlen(resp);
		ssize_t r;
		int c;
		alarm(20);
		close(pfd[0]);
		c = accept(lfd, NULL, NULL);
		if (c < 0)
			_exit(1);
		while (n < sizeof(buf) - 1 && (r = read(c, buf + n, sizeof(buf) - 1 - n)) > 0) {
			n += (size_t)r;
			buf[n] = '\0';
			if (strstr(buf, "\r\n\r\n") != NULL)
				break;
		}
		if (write(pfd[1], buf, n) < 0)
			_exit(1);
		close(pfd[1]);
		for (n = 0; n < rl; n += (size_t)r)
			if ((r = write(c, resp + n, rl - n)) <= 0)
				_exit(1);
		shutdown(c, SHUT_WR);
		while (read(c, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(lfd);
	close(pfd[1]);
	fs->rfd = pfd[0];
}

/* Collect what the fake received and wait for it. */
static void fake_end(fake_store *fs)
{
	size_t n = 0;
	ssize_t r;
	int st;
	while (n < sizeof(fs->req) - 1 && (r = read(fs->rfd, fs->req + n, sizeof(fs->req) - 1 - n)) > 0)
		n += (size_t)r;
	fs->req[n] = '\0';
	close(fs->rfd);
	assert_int_equal(waitpid(fs->pid, &st, 0), fs->pid);
}

/* The value of a request header (first match, any case), copied into out. */
static const char *req_header(const char *req, const char *name, char *out, size_t cap)
{
	const char *p = strstr(req, "\r\n");
	size_t n = strlen(name);
	while (p != NULL && p[2] != '\r') {
		const char *e;
		p += 2;
		e = strstr(p, "\r\n");
		if (e == NULL)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			snprintf(out, cap, "%.*s", (int)(e - v), v);
			return out;
		}
		p = e;
	}
	return NULL;
}

static void config_fake(int port, const char *path_style)
{
	char ep[64];
	snprintf(ep, sizeof(ep), "http://%s:%d", path_style[0] == 't' ? "127.0.0.1" : "localhost",
	    port);
	s3_config(ep, "https://public.example.org", path_style, "uploads");
}

/* The request must be `method path` with Host, x-amz-date, the empty payload hash,
 * and an Authorization a store recomputes to the same value. */
static void check_signed_request(const char *req, const char *method, const char *path,
    const char *host)
{
	char first[512], h[256], date[64], sha[128], auth[1024];
	const sc_sigv4_kv hdrs[] = { { "host", h }, { "x-amz-content-sha256", sha },
		{ "x-amz-date", date } };
	sc_sigv4_key k = { T_AK, T_SK, NULL, "us-east-1", "s3" };
	sc_buf b;

	snprintf(first, sizeof(first), "%s %s HTTP/1.1\r\n", method, path);
	if (strncmp(req, first, strlen(first)) != 0)
		fail_msg("request line of\n%s\nwanted %s", req, first);
	assert_non_null(req_header(req, "Host", h, sizeof(h)));
	assert_string_equal(h, host);
	assert_non_null(req_header(req, "x-amz-date", date, sizeof(date)));
	assert_non_null(req_header(req, "x-amz-content-sha256", sha, sizeof(sha)));
	assert_string_equal(sha, SC_SIGV4_EMPTY_SHA256);
	assert_non_null(req_header(req, "Authorization", auth, sizeof(auth)));
	assert_null(req_header(req, "Accept", first, sizeof(first)));
	sc_buf_init(&b, 4096);
	{
		char raw[1024];
		assert_true(sc_url_decode(path, strlen(path), 0, raw) >= 0);
		assert_int_equal(sc_sigv4_authorization(&b, &k, method, raw, NULL, 0, hdrs, 3,
		    SC_SIGV4_EMPTY_SHA256, (time_t)parse_amz_date(date)), 0);
	}
	assert_string_equal(auth, b.ptr);
	assert_non_null(strstr(auth, "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
	sc_buf_cleanup(&b);
}

static void test_head_found(void **state)
{
	fake_store fs;
	long long size = -1;
	int found = -1;
	char host[64];
	(void)state;
	fake_start(&fs, "HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\nETag: \"x\"\r\n"
	    "Content-Type: text/html\r\nConnection: close\r\n\r\n");
	config_fake(fs.port, "true");
	assert_int_equal(sc_s3_head("u1/f1", &size, &found), 0);
	fake_end(&fs);
	assert_int_equal(found, 1);
	assert_int_equal(size, 52428800);
	snprintf(host, sizeof(host), "127.0.0.1:%d", fs.port);
	check_signed_request(fs.req, "HEAD", "/uploads/u1/f1", host);
}

static void test_head_virtual_host_and_key(void **state)
{
	fake_store fs;
	long long size = -1;
	int found = -1;
	char host[64];
	(void)state;
	/* curl resolves *.localhost to the loopback (RFC 6761) */
	fake_start(&fs, "HTTP/1.1 200 OK\r\ncontent-length:   0  \r\nConnection: close\r\n\r\n");
	config_fake(fs.port, "false");
	assert_int_equal(sc_s3_head("a b/\xc3\xbc+", &size, &found), 0);
	fake_end(&fs);
	assert_int_equal(found, 1);
	assert_int_equal(size, 0);
	snprintf(host, sizeof(host), "uploads.localhost:%d", fs.port);
	check_signed_request(fs.req, "HEAD", "/a%20b/%C3%BC%2B", host);
}

static void test_head_not_found(void **state)
{
	fake_store fs;
	long long size = -1;
	int found = -1;
	(void)state;
	fake_start(&fs, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	config_fake(fs.port, "true");
	assert_int_equal(sc_s3_head("u1/f1", &size, &found), 0);
	fake_end(&fs);
	assert_int_equal(found, 0);
	assert_int_equal(size, 0);
}

/* Every other answer is -1, with found 0. */
static void head_fails(const char *resp)
{
	fake_store fs;
	long long size = -1;
	int found = -1;
	fake_start(&fs, resp);
	config_fake(fs.port, "true");
	if (sc_s3_head("u1/f1", &size, &found) != -1)
		fail_msg("HEAD answered with\n%s\nwas not refused", resp);
	fake_end(&fs);
	assert_int_equal(found, 0);
	assert_int_equal(size, 0);
}

static void test_head_failures(void **state)
{
	static char big[20000];
	size_t o;
	(void)state;
	head_fails("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 301 Moved\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n");
	head_fails("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 200 OK\r\nContent-Length: -5\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n");
	head_fails("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n");
	head_fails("garbage\r\n\r\n");
	/* headers past the cap abort the transfer */
	o = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
	while (o + 100 < sizeof(big))
		o += (size_t)snprintf(big + o, sizeof(big) - o, "X-Filler: %080d\r\n", 0);
	snprintf(big + o, sizeof(big) - o, "\r\n");
	head_fails(big);
}

static void test_head_refused(void **state)
{
	long long size = -1;
	int found = -1, port, fd;
	(void)state;
	fd = listen_loopback(&port);
	close(fd);   /* nothing listens there now */
	config_fake(port, "true");
	assert_int_equal(sc_s3_head("u1/f1", &size, &found), -1);
	assert_int_equal(found, 0);
	assert_int_equal(sc_s3_delete("u1/f1"), -1);
}

static void delete_is(const char *resp, int want)
{
	fake_store fs;
	char host[64];
	fake_start(&fs, resp);
	config_fake(fs.port, "true");
	if (sc_s3_delete("u1/f1") != want)
		fail_msg("DELETE answered with\n%s\nshould give %d", resp, want);
	fake_end(&fs);
	snprintf(host, sizeof(host), "127.0.0.1:%d", fs.port);
	check_signed_request(fs.req, "DELETE", "/uploads/u1/f1", host);
}

static void test_delete(void **state)
{
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
	    "SignatureDoesNotMatch</Code><Message>The request signature we calculated does not "
	    "match</Message></Error>";
	char log[8192], resp[1024];
	FILE *lf;
	size_t n;
	(void)state;
	delete_is("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", 0);
	delete_is("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 0);
	delete_is("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 0);
	delete_is("HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", -1);
	/* the log line names the status and the store's code, never the secret */
	lf = tmpfile();
	assert_non_null(lf);
	sc_log_init("unit-test", fileno(lf));
	snprintf(resp, sizeof(resp), "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(xml), xml);
	delete_is(resp, -1);
	fflush(lf);
	rewind(lf);
	n = fread(log, 1, sizeof(log) - 1, lf);
	log[n] = '\0';
	fclose(lf);
	t_quiet_log();
	if (strstr(log, "\"status\":403") == NULL || strstr(log, "SignatureDoesNotMatch") == NULL)
		fail_msg("log line: %s", log);
	assert_null(strstr(log, T_SK));
	assert_null(strstr(log, "Signature="));
}

/* ---- 4. against s3rver (tests/s3/run.sh) */

typedef struct {
	sc_buf body;
	char   disposition[1024];
	char   type[256];
} got;

static size_t on_hdr(char *p, size_t size, size_t nmemb, void *ud)
{
	got *g = ud;
	size_t n = size * nmemb;
	char *dst = NULL;
	size_t cap = 0, skip = 0;
	if (n > 20 && strncasecmp(p, "Content-Disposition:", 20) == 0)
		dst = g->disposition, cap = sizeof(g->disposition), skip = 20;
	else if (n > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
		dst = g->type, cap = sizeof(g->type), skip = 13;
	if (dst != NULL) {
		size_t vn = n - skip;
		const char *v = p + skip;
		while (vn > 0 && *v == ' ')
			v++, vn--;
		while (vn > 0 && (v[vn - 1] == '\r' || v[vn - 1] == '\n'))
			vn--;
		snprintf(dst, cap, "%.*s", (int)vn, v);
	}
	return n;
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	got *g = ud;
	return sc_buf_append(&g->body, p, size * nmemb) < 0 ? 0 : size * nmemb;
}

typedef struct {
	const char *p;
	size_t      left;
} upload;

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	upload *u = ud;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* A client's request: PUT (body, with Content-Type type) or GET; the status. */
static long client(const char *method, const char *url, const char *body, size_t n,
    const char *type, got *g)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	upload u = { body, n };
	char ct[300];
	long status = 0;
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (strcmp(method, "PUT") == 0) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", type);
		hl = curl_slist_append(hl, ct);
		hl = curl_slist_append(hl, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	}
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_hdr);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, g);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, g);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	return status;
}

/* Replace the first occurrence of from in url by to (same length). */
static char *tamper(const char *url, const char *from, const char *to)
{
	char *t = strdup(url), *p;
	assert_non_null(t);
	assert_int_equal(strlen(from), strlen(to));
	p = strstr(t, from);
	assert_non_null(p);
	memcpy(p, to, strlen(to));
	return t;
}

static long client_status(const char *method, const char *url, const char *body, size_t n,
    const char *type)
{
	got g;
	long st;
	memset(&g, 0, sizeof(g));
	sc_buf_init(&g.body, 64 * 1024);
	st = client(method, url, body, n, type, &g);
	sc_buf_cleanup(&g.body);
	return st;
}

/* The life of one object through the store, every signature checked by
 * tests/s3/s3rver.mjs with the AWS SDK's signer. */
static void roundtrip(const char *key, size_t n, const char *pub)
{
	const char *name = "Bericht \"M\xc3\xa4rz\".pdf";
	char *bytes, *put, *url, *bad;
	long long size = -1;
	int found = -1;
	size_t i;
	sc_buf disp;
	got g;

	bytes = malloc(n);
	assert_non_null(bytes);
	for (i = 0; i < n; i++)
		bytes[i] = (char)((i * 7919u) ^ (i >> 8));
	assert_int_equal(sc_s3_head(key, &size, &found), 0);
	assert_int_equal(found, 0);

	/* the presigned PUT binds the size and the type: the store refuses anything else */
	assert_int_equal(sc_s3_presign_put(&arena, key, (long long)n, "application/pdf", 900, &put), 0);
	assert_true(strncmp(put, pub, strlen(pub)) == 0);
	assert_int_equal(client_status("PUT", put, bytes, n, "text/html"), 403);
	assert_int_equal(client_status("PUT", put, bytes, n - 1, "application/pdf"), 403);
	assert_int_equal(client_status("GET", put, NULL, 0, NULL), 403);
	bad = tamper(put, "X-Amz-Expires=900", "X-Amz-Expires=901");
	assert_int_equal(client_status("PUT", bad, bytes, n, "application/pdf"), 403);
	free(bad);
	assert_int_equal(sc_s3_head(key, &size, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(client_status("PUT", put, bytes, n, "application/pdf"), 200);

	assert_int_equal(sc_s3_head(key, &size, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(size, (long long)n);

	/* download: the same bytes, as an attachment of the given type */
	assert_int_equal(sc_s3_presign_get(&arena, key, name, "application/pdf", 3600, &url), 0);
	memset(&g, 0, sizeof(g));
	sc_buf_init(&g.body, 1024 * 1024);
	assert_int_equal(client("GET", url, NULL, 0, NULL, &g), 200);
	assert_int_equal(g.body.len, n);
	assert_memory_equal(g.body.ptr, bytes, n);
	sc_buf_init(&disp, 1024);
	assert_int_equal(sc_s3_disposition(&disp, name), 0);
	assert_string_equal(g.disposition, disp.ptr);
	assert_true(strncmp(g.disposition, "attachment; filename=\"Bericht _M_rz_.pdf\"; ", 43) == 0);
	assert_string_equal(g.type, "application/pdf");
	sc_buf_cleanup(&disp);
	sc_buf_cleanup(&g.body);
	/* the response overrides are signed too */
	bad = tamper(url, "response-content-type=application%2Fpdf",
	    "response-content-type=application%2Fxml");
	assert_int_equal(client_status("GET", bad, NULL, 0, NULL), 403);
	free(bad);

	/* gone after DELETE; a second DELETE is fine too */
	assert_int_equal(sc_s3_delete(key), 0);
	assert_int_equal(sc_s3_head(key, &size, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(sc_s3_delete(key), 0);
	assert_int_equal(client_status("GET", url, NULL, 0, NULL), 404);
	free(bytes);
}

static void test_s3rver_roundtrip(void **state)
{
	const char *ep = getenv("SC_TEST_S3_ENDPOINT"), *bucket = getenv("SC_TEST_S3_BUCKET");
	char key[128], pub[128], *url;
	(void)state;
	if (ep == NULL || *ep == '\0')
		skip();   /* make unit: tests/s3/run.sh runs this against s3rver */
	/* clients reach the store as localhost, the server as 127.0.0.1 */
	assert_non_null(strrchr(ep, ':'));
	snprintf(pub, sizeof(pub), "http://localhost%s", strrchr(ep, ':'));
	t_config("STORAGE_BACKEND", "s3", "S3_ENDPOINT", ep, "S3_PUBLIC_ENDPOINT", pub,
	    "S3_BUCKET", bucket ? bucket : "uploads", "S3_ACCESS_KEY", "S3RVER",
	    "S3_SECRET_KEY", "S3RVER", "S3_PATH_STYLE", "true", NULL);
	snprintf(key, sizeof(key), "0b6a2e3c-1f00-4000-8000-%012d/7d3f1a52-9a0e-4b6e-8d1c-%012ld",
	    (int)getpid(), (long)time(NULL));
	roundtrip(key, 300 * 1024 + 7, pub);
	snprintf(key, sizeof(key), "a b/\xc3\xbc+=&;%d ~(1).bin", (int)getpid());
	roundtrip(key, 1, pub);
	/* the store refuses a signature made with another secret */
	t_config("STORAGE_BACKEND", "s3", "S3_ENDPOINT", ep, "S3_BUCKET", bucket ? bucket : "uploads",
	    "S3_ACCESS_KEY", "S3RVER", "S3_SECRET_KEY", "not-the-secret", NULL);
	assert_int_equal(sc_s3_delete("x/y"), -1);
	assert_int_equal(sc_s3_presign_get(&arena, "x/y", NULL, NULL, 60, &url), 0);
	assert_int_equal(client_status("GET", url, NULL, 0, NULL), 403);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_path_style),
		cmocka_unit_test(test_virtual_host),
		cmocka_unit_test(test_base_path_and_ports),
		cmocka_unit_test(test_public_endpoint),
		cmocka_unit_test(test_key_characters),
		cmocka_unit_test(test_get_url),
		cmocka_unit_test(test_disposition),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_aws_sdk_presigner),
		cmocka_unit_test(test_head_found),
		cmocka_unit_test(test_head_virtual_host_and_key),
		cmocka_unit_test(test_head_not_found),
		cmocka_unit_test(test_head_failures),
		cmocka_unit_test(test_head_refused),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_s3rver_roundtrip),
	};
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
