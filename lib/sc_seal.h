/* sc_seal.h - AES-256-GCM sealing of small secrets at rest (the TOTP secrets).
 *
 * A sealed value is nonce (12 random bytes) || ciphertext || tag (16 bytes).
 * The key is SHA-256 of TOTP_KEY when set, else HMAC-SHA256(JWT_SECRET, a
 * fixed label), so it differs from every other key derived from JWT_SECRET.
 * The additional authenticated data (the user id) binds a sealed value to
 * its row: copied to another user it does not open. */
#ifndef SC_SEAL_H
#define SC_SEAL_H

#include <stddef.h>

#define SC_SEAL_NONCE    12
#define SC_SEAL_TAG      16
#define SC_SEAL_OVERHEAD (SC_SEAL_NONCE + SC_SEAL_TAG)
#define SC_SEAL_MAX      256   /* plaintext cap */

/* Seal pt[0..n) (n <= SC_SEAL_MAX) with aad into out (n + SC_SEAL_OVERHEAD
 * bytes). 0 / -1. */
int sc_seal(const unsigned char *pt, size_t n, const char *aad, unsigned char *out);

/* Open in[0..n) sealed with aad into pt (cap bytes), *len its length.
 * 0, or -1 when it was tampered with, sealed under another key or aad, too
 * short, or does not fit. pt is wiped on failure. */
int sc_seal_open(const unsigned char *in, size_t n, const char *aad, unsigned char *pt,
    size_t cap, size_t *len);

/* The same with an explicit 32-byte key (tests, key rotation tools). */
int sc_seal_with(const unsigned char key[32], const unsigned char *pt, size_t n,
    const char *aad, unsigned char *out);
int sc_seal_open_with(const unsigned char key[32], const unsigned char *in, size_t n,
    const char *aad, unsigned char *pt, size_t cap, size_t *len);

/* The key from the configuration into key[32]; wipe it after use. */
void sc_seal_key(unsigned char key[32]);

#endif
