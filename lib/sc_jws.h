/* sc_jws.h - compact JWS (RFC 7515) signing with asymmetric keys, for the
 * push services: ES256 (RFC 7518 3.4: the signature is the raw 64-byte R||S,
 * not DER) for the APNs provider token and VAPID, RS256 for the Google OAuth
 * assertion of FCM. Keys are OpenSSL 3 EVP_PKEYs (the caller owns them and
 * frees them with EVP_PKEY_free). Verification is here too: the tests and
 * anything that must check a token it made use it.
 *
 * (lib/sc_jwt.{c,h} is the HS256 access token of the API; this module is the
 * asymmetric one and shares nothing with it.) */
#ifndef SC_JWS_H
#define SC_JWS_H

#include <openssl/evp.h>
#include <stddef.h>

/* The largest compact JWS accepted by sc_jws_verify, and the largest key or
 * PEM file read. */
#define SC_JWS_MAX     8192u
#define SC_JWS_MAX_PEM 16384u

/* A private key from PEM text: PKCS#8 ("PRIVATE KEY": an APNs .p8, the
 * private_key of a Google service account), SEC1 ("EC PRIVATE KEY") or
 * PKCS#1 ("RSA PRIVATE KEY"). Only P-256 EC keys and RSA keys of at least
 * 2048 bits are accepted. NULL with err set otherwise. */
EVP_PKEY *sc_jws_key_from_pem(const char *pem, size_t n, char *err, size_t errlen);
/* The same from a file (at most SC_JWS_MAX_PEM bytes). */
EVP_PKEY *sc_jws_key_load(const char *path, char *err, size_t errlen);

/* "ES256" for a P-256 key, "RS256" for an RSA key, NULL otherwise. */
const char *sc_jws_alg(const EVP_PKEY *k);

/* Sign claims_json (a JSON object, used as is) with header
 * {"alg":"<sc_jws_alg(k)>","typ":"JWT"[,"kid":"<kid>"]}. kid may be NULL; it
 * must not need JSON escaping (letters, digits, '-', '_', '.'). Returns the
 * compact JWS (caller frees), or NULL with err set. */
char *sc_jws_sign(EVP_PKEY *k, const char *kid, const char *claims_json, char *err,
    size_t errlen);

/* Verify a compact JWS with key (public or private): the header's alg must
 * be the key's (sc_jws_alg), the signature valid. On success returns 0 and,
 * when not NULL, *header and *claims get the decoded JSON texts (caller
 * frees). -1 otherwise. */
int sc_jws_verify(EVP_PKEY *key, const char *jws, char **header, char **claims);

/* The uncompressed public point (0x04 || X || Y, 65 bytes) of a P-256 key.
 * 0 or -1. */
int sc_jws_ec_public_raw(const EVP_PKEY *k, unsigned char out[65]);

/* A P-256 key from its uncompressed public point and, when priv32 is not
 * NULL, its 32-byte private scalar (the point is then not checked against
 * it: test vectors give both). NULL when the point is not on the curve. */
EVP_PKEY *sc_jws_ec_from_raw(const unsigned char pub65[65], const unsigned char *priv32);

#endif
