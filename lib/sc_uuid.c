/* sc_uuid.c - UUID parsing and generation. */
#include "sc_uuid.h"
#include "sc_rand.h"

#include <ctype.h>
#include <time.h>

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

static void format(const unsigned char *b, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

void sc_uuid_v4(char *out)
{
	unsigned char b[16];

	sc_rand_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	format(b, out);
}

void sc_uuid_v7(char *out, long long *ms_out)
{
	static long long last_ms;
	static unsigned last_seq;
	unsigned char b[16];
	struct timespec ts;
	long long ms;
	unsigned seq;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	sc_rand_bytes(b, sizeof(b));
	if (ms <= last_ms) {
		/* same millisecond (or the clock stepped back): count up; after
		 * 4096 ids in one millisecond borrow the next one */
		ms = last_ms;
		seq = last_seq + 1;
		if (seq > 0xfff) {
			ms++;
			seq = 0;
		}
	} else {
		seq = (unsigned)(b[6] & 0x07) << 8 | b[7];   /* random start, room to count */
	}
	last_ms = ms;
	last_seq = seq;
	for (i = 5; i >= 0; i--)
		b[5 - i] = (unsigned char)(ms >> (8 * i));
	b[6] = (unsigned char)(0x70 | (seq >> 8));
	b[7] = (unsigned char)(seq & 0xff);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	format(b, out);
	if (ms_out != NULL)
		*ms_out = ms;
}
