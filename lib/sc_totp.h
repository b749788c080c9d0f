/* sc_totp.h - TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, as
 * authenticator apps expect), RFC 4648 base32 for the secret, and the
 * otpauth:// URI that apps read from a QR code.
 *
 * Replay: sc_totp_verify() returns the time step a code matched; the caller
 * stores the last accepted step (users.totp_last_step) and accepts only a
 * later one, in the same statement that records it. */
#ifndef SC_TOTP_H
#define SC_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SC_TOTP_SECRET_LEN 20                   /* random bytes of a secret (160 bits) */
#define SC_TOTP_B32_LEN    32                   /* base32 of 20 bytes, no padding */
#define SC_TOTP_STEP       30
#define SC_TOTP_DIGITS     6
#define SC_B32_LEN(n)      (((n) * 8 + 4) / 5)  /* base32 characters of n bytes, no padding */

/* The code of step `step` for key[0..klen) as a number of `digits` (6..8)
 * digits (RFC 4226 dynamic truncation). */
uint32_t sc_totp_code(const unsigned char *key, size_t klen, uint64_t step, int digits);

/* The time step of `now`. */
long long sc_totp_step(time_t now);

/* Check code[0..n) (exactly SC_TOTP_DIGITS ASCII digits) against the steps
 * of now - 1, now, now + 1 that are greater than `after` (the last step
 * accepted). Returns the step matched (> after), or -1. Constant time in the
 * code's value. */
long long sc_totp_verify(const unsigned char *key, size_t klen, const char *code, size_t n,
    time_t now, long long after);

/* RFC 4648 base32 (A-Z 2-7) without padding of in[0..n) into out
 * (SC_B32_LEN(n) + 1 bytes). */
void sc_base32_encode(const unsigned char *in, size_t n, char *out);
/* Decode s[0..n): upper or lower case, no padding, no spaces; writes at
 * most cap bytes and *outlen. 0, or -1 when s is not such base32 (unused
 * low bits of the last character must be zero) or too long. */
int sc_base32_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen);

/* "otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=SHA1&
 * digits=6&period=30" with issuer and account percent-encoded, into out[cap].
 * 0, or -1 when it does not fit. */
int sc_totp_uri(char *out, size_t cap, const char *issuer, const char *account,
    const char *secret_b32);

#endif
