/* sc_sigv4.h - AWS Signature Version 4 for S3-compatible storage: presigned
 * URLs (query-string authentication) for clients, and signed requests
 * (Authorization header) for the server's own HEAD and DELETE.
 *
 * The algorithm (AWS S3 API Reference, "Authenticating Requests (AWS
 * Signature Version 4)"):
 *   canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
 *   string to sign    = "AWS4-HMAC-SHA256" \n AMZ-DATE \n SCOPE \n hex(SHA256(canonical request))
 *   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" secret, yyyymmdd), region), service), "aws4_request")
 *   signature         = hex(HMAC(signing key, string to sign))
 * S3 encodes the object key once (RFC 3986 unreserved characters stay, '/'
 * stays in the path); query names and values are encoded, '/' included, and
 * sorted by name. The tests reproduce AWS's published examples byte for byte.
 *
 * Every output goes to a capped sc_buf; the functions return 0, or -1 when a
 * cap was hit or an argument is out of range. Secrets are wiped after use. */
#ifndef SC_SIGV4_H
#define SC_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "sc_buf.h"

#define SC_SIGV4_AMZ_DATE_LEN 16   /* 20130524T000000Z */
#define SC_SIGV4_MAX_PARAMS   16   /* query parameters or headers of one request */

typedef struct sc_sigv4_key {
	const char *access_key;
	const char *secret_key;
	const char *session_token;   /* NULL or "": none (X-Amz-Security-Token) */
	const char *region;          /* e.g. us-east-1 */
	const char *service;         /* "s3" */
} sc_sigv4_key;

/* A query parameter or header, raw (not encoded). */
typedef struct sc_sigv4_kv {
	const char *name;
	const char *value;
} sc_sigv4_kv;

/* The SHA-256 of the empty payload, in hex. */
#define SC_SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* now as yyyymmddThhmmssZ (UTC) into out (SC_SIGV4_AMZ_DATE_LEN + 1 bytes). */
void sc_sigv4_amz_date(time_t now, char *out);

/* Append the RFC 3986 percent-encoding of s[0..n) to out: A-Z a-z 0-9 - . _ ~
 * stay, every other byte becomes %XX (upper-case hex); with keep_slash '/'
 * stays too (object key paths). */
int sc_sigv4_encode(sc_buf *out, const char *s, size_t n, int keep_slash);

/* A presigned URL: scheme "://" host path "?" the X-Amz-* parameters (and
 * `extra`, e.g. response-content-disposition, signed with them), valid for
 * expires_s seconds (1..604800) from now, signed header "host" only, payload
 * UNSIGNED-PAYLOAD. host is the Host header as the client will send it
 * (with ":port" when not the scheme's default); path is the raw object path
 * ("/bucket/key" path-style, "/key" virtual-host style). */
int sc_sigv4_presign(sc_buf *out, const sc_sigv4_key *k, const char *method,
    const char *scheme, const char *host, const char *path, const sc_sigv4_kv *extra,
    size_t nextra, long long expires_s, time_t now);

/* The Authorization header value of a request signed in headers. headers
 * must hold every header to sign, host and x-amz-date (= sc_sigv4_amz_date
 * of now) and x-amz-content-sha256 (= payload_sha256_hex) included; names in
 * any case (signed lower-case), values trimmed and inner runs of spaces
 * folded as SigV4 says. query: the request's query parameters, raw. */
int sc_sigv4_authorization(sc_buf *out, const sc_sigv4_key *k, const char *method,
    const char *path, const sc_sigv4_kv *query, size_t nquery, const sc_sigv4_kv *headers,
    size_t nheaders, const char *payload_sha256_hex, time_t now);

#endif
