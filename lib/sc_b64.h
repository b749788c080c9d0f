/* sc_b64.h - base64 (RFC 4648): the standard alphabet (section 4, A-Z a-z
 * 0-9 + /) with padding, as libsignal clients send keys and as TURN REST
 * credentials are written; and base64url without padding (section 5, - and _)
 * for tokens, cursors and signatures in URLs. */
#ifndef SC_B64_H
#define SC_B64_H

#include <stddef.h>

/* Encoded length of n bytes with padding, without the NUL. */
#define SC_B64_LEN(n) ((((n) + 2) / 3) * 4)

/* Encode in[0..n) with '=' padding into out (SC_B64_LEN(n) + 1 bytes). */
void sc_b64_encode(const unsigned char *in, size_t n, char *out);

/* base64url without padding of in[0..n) into out ((4n + 2) / 3 characters
 * + NUL). */
void sc_b64url_encode(const unsigned char *in, size_t n, char *out);

/* Decode s[0..n), strictly: only the standard alphabet, '=' padding either
 * complete or absent (never partial), no white space, and the unused low bits
 * of the last character zero (so each byte string has exactly one accepted
 * padded and one unpadded spelling). Writes at most cap bytes to out and the
 * decoded length to *outlen. Returns 0, or -1 when s is not such base64 or
 * decodes to more than cap bytes. */
int sc_b64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen);

/* base64url (RFC 4648 section 5) without padding, decoded strictly: no '=',
 * no white space, unused low bits zero. Writes at most cap bytes. 0 or -1. */
int sc_b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen);

#endif
