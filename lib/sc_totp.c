/* sc_totp.c - RFC 6238 TOTP over RFC 4226 HOTP with OpenSSL's HMAC-SHA1. */
#include "sc_totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <string.h>

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

uint32_t sc_totp_code(const unsigned char *key, size_t klen, uint64_t step, int digits)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0, off;
	uint32_t bin, mod = 1;
	int i;

	for (i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (unsigned char)(step & 0xff);
	HMAC(EVP_sha1(), key, (int)klen, msg, sizeof(msg), mac, &mlen);
	off = mac[19] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	OPENSSL_cleanse(mac, sizeof(mac));
	for (i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

long long sc_totp_step(time_t now)
{
	return now < 0 ? 0 : (long long)now / SC_TOTP_STEP;
}

long long sc_totp_verify(const unsigned char *key, size_t klen, const char *code, size_t n,
    time_t now, long long after)
{
	uint32_t want = 0;
	long long base = sc_totp_step(now), found = -1, s;
	size_t i;

	if (n != SC_TOTP_DIGITS)
		return -1;
	for (i = 0; i < n; i++) {
		if (code[i] < '0' || code[i] > '9')
			return -1;
		want = want * 10 + (uint32_t)(code[i] - '0');
	}
	/* every step is computed and compared, whichever matches */
	for (s = base - 1; s <= base + 1; s++) {
		uint32_t got = sc_totp_code(key, klen, (uint64_t)s, SC_TOTP_DIGITS);
		int same = CRYPTO_memcmp(&got, &want, sizeof(got)) == 0;
		if (same && s > after && found < 0)
			found = s;
	}
	return found;
}

void sc_base32_encode(const unsigned char *in, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = B32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

int sc_base32_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	/* lengths whose last character would carry 5 or more unused bits */
	if (n % 8 == 1 || n % 8 == 3 || n % 8 == 6)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a';
		else if (c >= '2' && c <= '7')
			v = c - '2' + 26;
		else
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= (1u << bits) - 1;
	}
	if (acc != 0)   /* unused low bits must be zero: one spelling per byte string */
		return -1;
	*outlen = o;
	return 0;
}

/* Percent-encode s (RFC 3986 unreserved kept) into b at *o; -1 when full. */
static int pct(char *b, size_t cap, size_t *o, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		if (*o + (plain ? 1 : 3) >= cap)
			return -1;
		if (plain) {
			b[(*o)++] = (char)c;
		} else {
			b[(*o)++] = '%';
			b[(*o)++] = HEX[c >> 4];
			b[(*o)++] = HEX[c & 15];
		}
	}
	b[*o] = '\0';
	return 0;
}

/* Append a literal; -1 when full. */
static int lit(char *b, size_t cap, size_t *o, const char *s)
{
	size_t n = strlen(s);
	if (*o + n >= cap)
		return -1;
	memcpy(b + *o, s, n + 1);
	*o += n;
	return 0;
}

int sc_totp_uri(char *out, size_t cap, const char *issuer, const char *account,
    const char *secret_b32)
{
	size_t o = 0;
	char tail[64];
	int n;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	n = snprintf(tail, sizeof(tail), "&algorithm=SHA1&digits=%d&period=%d", SC_TOTP_DIGITS,
	    SC_TOTP_STEP);
	if (n < 0 || (size_t)n >= sizeof(tail))
		return -1;
	if (lit(out, cap, &o, "otpauth://totp/") < 0 || pct(out, cap, &o, issuer) < 0 ||
	    lit(out, cap, &o, ":") < 0 || pct(out, cap, &o, account) < 0 ||
	    lit(out, cap, &o, "?secret=") < 0 || lit(out, cap, &o, secret_b32) < 0 ||
	    lit(out, cap, &o, "&issuer=") < 0 || pct(out, cap, &o, issuer) < 0 ||
	    lit(out, cap, &o, tail) < 0)
		return -1;
	return 0;
}
