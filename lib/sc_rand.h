/* sc_rand.h - cryptographic random bytes from the kernel (getrandom). */
#ifndef SC_RAND_H
#define SC_RAND_H

#include <stddef.h>

/* Fill buf; aborts if the kernel cannot provide randomness. */
void sc_rand_bytes(void *buf, size_t n);
/* Write 2*nbytes lowercase hex characters and a NUL into out. */
void sc_rand_hex(char *out, size_t nbytes);
/* Lowercase hex of bytes (2*n chars + NUL). */
void sc_hex_encode(const unsigned char *in, size_t n, char *out);

#endif
