/* sc_s3.h - the s3 storage backend: presigned PUT and GET URLs handed to
 * clients, and the server's own signed HEAD and DELETE (libcurl), against any
 * S3-compatible store (AWS S3, MinIO, Ceph RGW, Cloudflare R2, Backblaze B2,
 * Wasabi; s3rver in the tests).
 *
 * Settings (lib/sc_config.h): S3_ENDPOINT (the server's own requests),
 * S3_PUBLIC_ENDPOINT (the clients' URLs; empty: S3_ENDPOINT), S3_BUCKET,
 * S3_REGION, S3_PATH_STYLE, S3_ACCESS_KEY, S3_SECRET_KEY. An endpoint is
 * http(s)://host[:port][/base] (no user, query or fragment; a base path of
 * RFC 3986 unreserved characters and '/'); the host is lower-cased and a
 * default port (:80, :443) dropped, as browsers and curl send the Host header.
 * URLs, per S3_PATH_STYLE:
 *     path-style    scheme://host[:port][/base]/bucket/key
 *     virtual-host  scheme://bucket.host[:port][/base]/key
 * Virtual-host style falls back to path-style, as the AWS SDKs do, for an IP
 * address endpoint and for a bucket with a dot over https (the store's
 * wildcard certificate covers one label). The base path is part of the signed
 * path: a proxy in front of the store must pass it through unchanged.
 *
 * Object keys are made by the server ("<user_id>/<file_id>") but checked and
 * encoded anyway: 1..1024 bytes, no control bytes, no empty, "." or ".."
 * segment (clients would fold those); every byte outside A-Z a-z 0-9 - . _ ~ /
 * is percent-encoded.
 *
 * What a presigned URL binds (X-Amz-SignedHeaders): host always; for PUT also
 * content-length (the declared size: the store refuses another body length,
 * so a client cannot store more than the quota counted) and content-type when
 * one is given (the client must send exactly that Content-Type, and the store
 * keeps it as the object's type). Payload: UNSIGNED-PAYLOAD. A presigned GET
 * carries response-content-disposition (attachment, RFC 6266) and
 * response-content-type, signed with it, so the store serves the file as a
 * download of the declared type whatever the object's metadata says.
 *
 * Errors: every function returns 0, or -1 with one log line (a setting or an
 * argument out of range, a cap hit, a transport failure, an unexpected status).
 * The S3 secret is only read by lib/sc_sigv4.c, which wipes its copies; it is
 * never logged. libcurl is initialized on first use; single-threaded, like
 * the programs that call it. */
#ifndef SC_S3_H
#define SC_S3_H

#include <time.h>

#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_sigv4.h"

/* The server's HEAD and DELETE: time to connect, and for the whole request. */
#define SC_S3_CONNECT_TIMEOUT_MS 5000L
#define SC_S3_TIMEOUT_MS         10000L
/* S3's limit for one PUT (5 GiB): larger sizes are refused. */
#define SC_S3_MAX_PUT_BYTES      5368709120LL
#define SC_S3_MAX_KEY_BYTES      1024u
#define SC_S3_MAX_NAME_BYTES     255u    /* file_name of a GET */

/* A URL for `PUT object_key` of exactly size bytes (0..SC_S3_MAX_PUT_BYTES),
 * of type content_type (NULL or "": not bound), valid for expires_s seconds
 * (1..604800), from S3_PUBLIC_ENDPOINT. *url is on the arena. */
int sc_s3_presign_put(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, char **url);

/* A URL for `GET object_key` served with Content-Disposition: attachment;
 * filename=... (file_name NULL or "": attachment alone) and Content-Type
 * content_type (NULL or "": the object's), valid for expires_s seconds. */
int sc_s3_presign_get(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, char **url);

/* Signed HEAD on S3_ENDPOINT: 200 gives *found = 1 and *size (Content-Length);
 * 404 gives *found = 0, *size = 0. Returns -1 on anything else (transport,
 * another status, a missing or malformed Content-Length). */
int sc_s3_head(const char *object_key, long long *size, int *found);

/* Signed DELETE on S3_ENDPOINT: 0 on 204, 200 and 404 (already gone), else -1. */
int sc_s3_delete(const char *object_key);

/* ---- the same with an explicit clock, and the parts they are made of (tests) */

int sc_s3_presign_put_at(sc_arena *a, const char *object_key, long long size,
    const char *content_type, long long expires_s, time_t now, char **url);
int sc_s3_presign_get_at(sc_arena *a, const char *object_key, const char *file_name,
    const char *content_type, long long expires_s, time_t now, char **url);

/* A presigned URL for method on object_key from S3_PUBLIC_ENDPOINT, binding
 * host and the given headers (raw names and values; not host) and carrying the
 * given extra query parameters (raw), with the X-Amz-* parameters in canonical
 * (sorted) order and X-Amz-Signature last, as sc_sigv4_presign writes them. */
int sc_s3_presign_at(sc_arena *a, const char *method, const char *object_key,
    const sc_sigv4_kv *headers, size_t nheaders, const sc_sigv4_kv *query, size_t nquery,
    long long expires_s, time_t now, char **url);

/* The Content-Disposition value for a download of file_name (RFC 6266), the
 * one sc_file_disposition() makes for the local backend; "attachment" alone
 * for NULL, "" or a name sc_file_name_valid() refuses (control bytes, invalid
 * UTF-8, path parts: such names are never stored). -1 when file_name is
 * longer than SC_S3_MAX_NAME_BYTES or out cannot grow. */
int sc_s3_disposition(sc_buf *out, const char *file_name);

#endif
