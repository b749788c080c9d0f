/* sc_webpush.h - Web Push message encryption (RFC 8291, aes128gcm content
 * coding of RFC 8188) and VAPID (RFC 8292), with OpenSSL 3 EVP.
 *
 * The body is one record of record size 4096: the 86-byte header (salt,
 * rs = 4096, idlen = 65, the sender's ephemeral public key), then the
 * plaintext followed by the padding delimiter 0x02 (no padding), encrypted
 * with AES-128-GCM (16-byte tag). So at most SC_WEBPUSH_MAX_PLAINTEXT bytes
 * of plaintext. Keys: ECDH P-256 between a fresh sender key and the
 * subscription's p256dh, HKDF-SHA256 with the subscription's auth secret
 * (RFC 8291 section 3.4). */
#ifndef SC_WEBPUSH_H
#define SC_WEBPUSH_H

#include <openssl/evp.h>
#include <stddef.h>

#define SC_WEBPUSH_RS            4096u
#define SC_WEBPUSH_HEADER_LEN    86u
#define SC_WEBPUSH_MAX_PLAINTEXT (SC_WEBPUSH_RS - 17u)   /* minus the delimiter and the tag */
#define SC_WEBPUSH_VAPID_TTL     43200                   /* exp = now + 12 h (RFC 8292: <= 24 h) */
#define SC_WEBPUSH_VAPID_MAX     1024u                   /* room for the Authorization value */
#define SC_WEBPUSH_ORIGIN_MAX    512u

/* Test hook: a fixed salt (16 bytes) and sender key pair (P-256) instead of
 * fresh random ones, for the RFC 8291 section 5 test vector. NULL in real use. */
typedef struct sc_webpush_fixed {
	const unsigned char *salt;
	EVP_PKEY            *sender;
} sc_webpush_fixed;

/* Encrypt plain[0..n) for the subscription (ua_pub: its 65-byte p256dh;
 * auth: its 16-byte auth secret). On success *out (caller frees) holds the
 * whole request body of *outlen = 86 + n + 17 bytes; 0. -1 with err set
 * when n is over SC_WEBPUSH_MAX_PLAINTEXT or ua_pub is not a P-256 point. */
int sc_webpush_encrypt(const unsigned char ua_pub[65], const unsigned char auth[16],
    const void *plain, size_t n, const sc_webpush_fixed *fixed,
    unsigned char **out, size_t *outlen, char *err, size_t errlen);

/* The origin of an https endpoint, "https://host[:port]" (the host in lower
 * case, the port only when not 443), into out. 0, or -1 when the endpoint is
 * not an absolute https URL with a host. */
int sc_webpush_origin(const char *endpoint, char *out, size_t outlen);

/* The Authorization header value for a push to endpoint,
 * "vapid t=<JWT>, k=<base64url of the uncompressed public key>", the JWT
 * ES256-signed by key with claims {"aud": origin, "exp": now + 12 h, "sub":
 * subject}. out needs SC_WEBPUSH_VAPID_MAX bytes. 0 or -1 with err set. */
int sc_webpush_vapid(EVP_PKEY *key, const char *endpoint, const char *subject, long long now,
    char *out, size_t outlen, char *err, size_t errlen);

#endif
