/* sc_b64.c - base64 and base64url encoding, strict standard base64 decoding. */
#include "sc_b64.h"

static const char ABC[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One encoder for both alphabets: pad adds '=' to a whole quantum. */
static void encode(const unsigned char *in, size_t n, char *out, const char *abc, int pad)
{
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = abc[(v >> 6) & 63];
		else if (pad)
			out[o++] = '=';
		if (i + 2 < n)
			out[o++] = abc[v & 63];
		else if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
}

void sc_b64_encode(const unsigned char *in, size_t n, char *out)
{
	encode(in, n, out, ABC, 1);
}

void sc_b64url_encode(const unsigned char *in, size_t n, char *out)
{
	encode(in, n, out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0);
}

/* The value of an alphabet character, -1 for any other: url selects the
 * base64url alphabet ('-', '_') over the standard one ('+', '/'). */
static int val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* Decode s[0..n) without padding, strictly (see sc_b64.h). */
static int decode(const char *s, size_t n, int url, unsigned char *out, size_t cap,
    size_t *outlen)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	*outlen = 0;
	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		int v = val((unsigned char)s[i], url);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)   /* the last character's unused bits must be zero */
		return -1;
	*outlen = o;
	return 0;
}

int sc_b64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	/* padding: complete (length a multiple of 4, one or two '=') or none */
	if (n % 4 == 0 && n > 0 && s[n - 1] == '=') {
		n--;
		if (s[n - 1] == '=')
			n--;
	}
	return decode(s, n, 0, out, cap, outlen);
}

int sc_b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	return decode(s, n, 1, out, cap, outlen);
}
