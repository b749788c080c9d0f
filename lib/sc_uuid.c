/* sc_uuid.c - UUID parsing and generation. */
#include "sc_uuid.h"
#include "sc_rand.h"

#include <ctype.h>

int sc_uuid_parse(const char *s, size_t n, char *out)
{
	size_t i;
	if (n != SC_UUID_STRLEN)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!isxdigit((unsigned char)c)) {
			return 0;
		}
	}
	if (out != NULL) {
		for (i = 0; i < n; i++)
			out[i] = (char)tolower((unsigned char)s[i]);
		out[n] = '\0';
	}
	return 1;
}

void sc_uuid_v4(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t i, o = 0;

	sc_rand_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}
