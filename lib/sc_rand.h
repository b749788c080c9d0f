/* sc_rand.h - cryptographic random bytes from the kernel (getrandom). */
#ifndef SC_RAND_H
#define SC_RAND_H

#include <stddef.h>

/* Fill buf; aborts if the kernel cannot provide randomness. */
void sc_rand_bytes(void *buf, size_t n);
/* Write 2*nbytes lowercase hex characters and a NUL into out. */
void sc_rand_hex(char *out, size_t nbytes);
/* Like sc_rand_hex, for identifiers that are unique but not secret (request
 * ids): served from a per-process pool refilled 512 bytes at a time, saving a
 * system call per request. Never use it for tokens or keys. */
void sc_rand_id_hex(char *out, size_t nbytes);
/* Lowercase hex of bytes (2*n chars + NUL). */
void sc_hex_encode(const unsigned char *in, size_t n, char *out);
/* A secret token: nbytes random bytes in base64url without padding into out
 * ((4 * nbytes + 2) / 3 characters + NUL); the raw bytes are wiped. */
void sc_rand_b64url(char *out, size_t nbytes);

#endif
