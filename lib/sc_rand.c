/* sc_rand.c - getrandom(2) wrappers. */
#include "sc_rand.h"
#include "sc_b64.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

void sc_rand_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

void sc_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void sc_rand_b64url(char *out, size_t nbytes)
{
	unsigned char raw[64];

	if (nbytes > sizeof(raw))
		abort();         /* a programming error: tokens are 32 bytes */
	sc_rand_bytes(raw, nbytes);
	sc_b64url_encode(raw, nbytes, out);
	OPENSSL_cleanse(raw, nbytes);
}

void sc_rand_id_hex(char *out, size_t nbytes)
{
	static unsigned char pool[512];
	static size_t left;
	size_t done = 0;

	while (done < nbytes) {
		size_t k;
		if (left == 0) {
			sc_rand_bytes(pool, sizeof(pool));
			left = sizeof(pool);
		}
		k = nbytes - done < left ? nbytes - done : left;
		sc_hex_encode(pool + sizeof(pool) - left, k, out + 2 * done);
		left -= k;
		done += k;
	}
	out[2 * nbytes] = '\0';
}

void sc_rand_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	size_t done = 0;
	while (done < nbytes) {
		size_t k = nbytes - done > sizeof(buf) ? sizeof(buf) : nbytes - done;
		sc_rand_bytes(buf, k);
		sc_hex_encode(buf, k, out + 2 * done);
		done += k;
	}
	out[2 * nbytes] = '\0';
}
