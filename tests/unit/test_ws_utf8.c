/* test_ws_utf8.c - the incremental UTF-8 validator against a plain decoder,
 * named edge cases, early rejection and feeds split at every position. */
#include "t_common.h"

#include "ws_utf8.h"

/* The oracle: decode by arithmetic, then check the RFC 3629 ranges. */
static int ref_valid(const uint8_t *p, size_t n)
{
	size_t i = 0, len, k;
	while (i < n) {
		uint32_t c = p[i], min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, c &= 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, c &= 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, c &= 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

static size_t encode(uint32_t c, uint8_t *o)
{
	if (c < 0x80)
		return o[0] = (uint8_t)c, 1;
	if (c < 0x800)
		return o[0] = (uint8_t)(0xC0 | c >> 6), o[1] = (uint8_t)(0x80 | (c & 0x3F)), 2;
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xE0 | c >> 12);
		o[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (uint8_t)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (uint8_t)(0xF0 | c >> 18);
	o[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (uint8_t)(0x80 | (c & 0x3F));
	return 4;
}

#define V(s) ws_utf8_valid((const uint8_t *)(s), sizeof(s) - 1)

static void test_named_cases(void **state)
{
	(void)state;
	assert_true(ws_utf8_valid((const uint8_t *)"", 0));
	assert_true(V("hello"));
	assert_true(V("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));   /* é € 😀 */
	assert_true(V("\x7f"));
	assert_true(V("\xc2\x80"));                 /* U+0080, smallest 2-byte */
	assert_true(V("\xe0\xa0\x80"));             /* U+0800, smallest 3-byte */
	assert_true(V("\xf0\x90\x80\x80"));         /* U+10000, smallest 4-byte */
	assert_true(V("\xed\x9f\xbf"));             /* U+D7FF, just below the surrogates */
	assert_true(V("\xee\x80\x80"));             /* U+E000, just above */
	assert_true(V("\xef\xbf\xbf"));             /* U+FFFF */
	assert_true(V("\xf4\x8f\xbf\xbf"));         /* U+10FFFF, the last */
	/* overlong forms */
	assert_false(V("\xc0\xaf"));                /* '/' in 2 bytes */
	assert_false(V("\xc1\xbf"));
	assert_false(V("\xe0\x80\xaf"));            /* '/' in 3 bytes */
	assert_false(V("\xe0\x9f\xbf"));            /* U+07FF in 3 bytes */
	assert_false(V("\xf0\x80\x80\xaf"));        /* '/' in 4 bytes */
	assert_false(V("\xf0\x8f\xbf\xbf"));        /* U+FFFF in 4 bytes */
	/* surrogates */
	assert_false(V("\xed\xa0\x80"));            /* U+D800 */
	assert_false(V("\xed\xaf\xbf"));            /* U+DBFF */
	assert_false(V("\xed\xb0\x80"));            /* U+DC00 */
	assert_false(V("\xed\xbf\xbf"));            /* U+DFFF */
	assert_false(V("\xed\xa0\xbd\xed\xb8\x80")); /* a CESU-8 pair */
	/* above U+10FFFF */
	assert_false(V("\xf4\x90\x80\x80"));        /* U+110000 */
	assert_false(V("\xf5\x80\x80\x80"));
	assert_false(V("\xf7\xbf\xbf\xbf"));
	assert_false(V("\xf8\x88\x80\x80\x80"));    /* 5-byte form */
	assert_false(V("\xfc\x84\x80\x80\x80\x80"));
	assert_false(V("\xfe"));
	assert_false(V("\xff"));
	/* stray and missing continuation bytes */
	assert_false(V("\x80"));
	assert_false(V("\xbf"));
	assert_false(V("a\x80z"));
	assert_false(V("\xc3"));                    /* truncated at the end */
	assert_false(V("\xe2\x82"));
	assert_false(V("\xf0\x9f\x98"));
	assert_false(V("\xc3z"));                   /* interrupted */
	assert_false(V("\xe2\x82z"));
	assert_false(V("\xf0\x9f\x98z"));
	assert_false(V("\xc3\xa9\xa9"));            /* one continuation too many */
	/* NUL is a code point like any other */
	assert_true(ws_utf8_valid((const uint8_t *)"a\0b", 3));
}

/* Every 1- and 2-byte input, and every 3-byte input with a non-ASCII lead. */
static void test_exhaustive_short(void **state)
{
	uint8_t b[3];
	unsigned x, y, z;
	(void)state;
	for (x = 0; x < 256; x++) {
		b[0] = (uint8_t)x;
		assert_int_equal(ws_utf8_valid(b, 1), ref_valid(b, 1));
		for (y = 0; y < 256; y++) {
			b[1] = (uint8_t)y;
			assert_int_equal(ws_utf8_valid(b, 2), ref_valid(b, 2));
		}
	}
	for (x = 0x80; x < 256; x++)
		for (y = 0; y < 256; y++)
			for (z = 0; z < 256; z++) {
				b[0] = (uint8_t)x, b[1] = (uint8_t)y, b[2] = (uint8_t)z;
				if (ws_utf8_valid(b, 3) != ref_valid(b, 3))
					fail_msg("3-byte %02x %02x %02x disagrees", x, y, z);
			}
}

/* 4-byte inputs: every lead and second byte with edge third/fourth bytes. */
static void test_four_byte_edges(void **state)
{
	static const uint8_t edge[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xff };
	uint8_t b[4];
	unsigned x, y, z, w;
	(void)state;
	for (x = 0xe0; x < 256; x++)
		for (y = 0; y < 256; y++)
			for (z = 0; z < sizeof(edge); z++)
				for (w = 0; w < sizeof(edge); w++) {
					b[0] = (uint8_t)x, b[1] = (uint8_t)y, b[2] = edge[z], b[3] = edge[w];
					if (ws_utf8_valid(b, 4) != ref_valid(b, 4))
						fail_msg("4-byte %02x %02x %02x %02x disagrees", x, y, edge[z], edge[w]);
				}
}

/* Every scalar value encodes to valid UTF-8; every surrogate to invalid. */
static void test_every_code_point(void **state)
{
	uint8_t b[4];
	uint32_t c;
	(void)state;
	for (c = 0; c <= 0x10FFFF; c++) {
		size_t n = encode(c, b);
		int want = !(c >= 0xD800 && c <= 0xDFFF);
		if (ws_utf8_valid(b, n) != want)
			fail_msg("U+%04X: got %d", (unsigned)c, !want);
	}
}

/* The first byte that proves a sequence wrong fails the feed: the connection
 * can close with 1007 without waiting for the rest of the frame. */
static void test_fails_fast(void **state)
{
	static const char *prefixes[] = {
		"\xc0", "\xc1", "\xf5", "\xff", "\x80", "\xe0\x80", "\xe0\x9f", "\xed\xa0",
		"\xed\xbf", "\xf0\x80", "\xf0\x8f", "\xf4\x90", "\xf4\xbf", "\xc3z", "ok\xe2\x82 ",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		ws_utf8 s = {0};
		assert_int_equal(ws_utf8_feed(&s, (const uint8_t *)prefixes[i], strlen(prefixes[i])), -1);
		assert_false(ws_utf8_done(&s));
		/* and it stays invalid whatever follows */
		assert_int_equal(ws_utf8_feed(&s, (const uint8_t *)"abcdefghijklmnop", 16), -1);
		assert_int_equal(ws_utf8_feed(&s, NULL, 0), -1);
		assert_false(ws_utf8_done(&s));
	}
}

/* A code point cut by a fragment boundary is fine while incomplete. */
static void test_incomplete_is_not_invalid(void **state)
{
	ws_utf8 s = {0};
	(void)state;
	assert_int_equal(ws_utf8_feed(&s, (const uint8_t *)"ab\xf0\x9f", 4), 0);
	assert_false(ws_utf8_done(&s));
	assert_int_equal(ws_utf8_feed(&s, (const uint8_t *)"\x98", 1), 0);
	assert_false(ws_utf8_done(&s));
	assert_int_equal(ws_utf8_feed(&s, (const uint8_t *)"\x80", 1), 0);
	assert_true(ws_utf8_done(&s));
	assert_int_equal(ws_utf8_feed(&s, NULL, 0), 0);
	assert_true(ws_utf8_done(&s));
}

static int fed_in_three(const uint8_t *p, size_t n, size_t i, size_t j)
{
	ws_utf8 s = {0};
	int r = ws_utf8_feed(&s, p, i);
	r |= ws_utf8_feed(&s, p + i, j - i);
	r |= ws_utf8_feed(&s, p + j, n - j);
	return r == 0 && ws_utf8_done(&s);
}

/* Split at every pair of positions (three feeds) and byte by byte: the
 * verdict is the one-shot verdict. The strings are longer than 8 bytes so the
 * ASCII word path and the byte path hand over at every offset. */
static void test_split_everywhere(void **state)
{
	static const char *texts[] = {
		"plain ascii text that is long enough for words",
		"caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac 100 \xf0\x9f\x98\x80 done \xf4\x8f\xbf\xbf!",
		"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6 and ascii 12345678",
		"twelve bytes\xed\xa0\x80 then more ascii text",       /* surrogate */
		"twelve bytes\xc0\xaf then more ascii text",           /* overlong */
		"twelve bytes\xf4\x90\x80\x80 then ascii",             /* > U+10FFFF */
		"ends inside a code point \xf0\x9f\x98",
		"ends inside a code point \xe2\x82",
		"\x80 starts with a continuation byte, ascii after",
		"fine \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 fine",
	};
	size_t t, i, j, k;
	(void)state;
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		const uint8_t *p = (const uint8_t *)texts[t];
		size_t n = strlen(texts[t]);
		int want = ref_valid(p, n);
		ws_utf8 s = {0};
		int r = 0;
		assert_int_equal(ws_utf8_valid(p, n), want);
		for (i = 0; i <= n; i++)
			for (j = i; j <= n; j++)
				if (fed_in_three(p, n, i, j) != want)
					fail_msg("text %zu split at %zu,%zu disagrees", t, i, j);
		for (k = 0; k < n; k++)
			r |= ws_utf8_feed(&s, p + k, 1);
		assert_int_equal(r == 0 && ws_utf8_done(&s), want);
	}
}

/* One bad or multi-byte byte at every offset of an ASCII run, at every
 * alignment of the start pointer: the 8-byte path must not skip it. */
static void test_ascii_runs(void **state)
{
	uint8_t buf[64 + 8];
	size_t align, pos, n = 64;
	(void)state;
	for (align = 0; align < 8; align++) {
		uint8_t *p = buf + align;
		memset(p, 'a', n);
		assert_true(ws_utf8_valid(p, n));
		for (pos = 0; pos < n; pos++) {
			p[pos] = 0x80;
			assert_false(ws_utf8_valid(p, n));
			p[pos] = 0xff;
			assert_false(ws_utf8_valid(p, n));
			p[pos] = 0xc3;                          /* truncated, or eats an 'a' */
			assert_false(ws_utf8_valid(p, n));
			if (pos + 1 < n) {
				p[pos + 1] = 0xa9;                  /* é */
				assert_true(ws_utf8_valid(p, n));
				p[pos + 1] = 'a';
			}
			p[pos] = 'a';
		}
		/* and the high bit in each of the 8 lanes of the last word */
		for (pos = n - 8; pos < n; pos++) {
			p[pos] = 0xbf;
			assert_false(ws_utf8_valid(p, n));
			p[pos] = 'a';
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_cases),
		cmocka_unit_test(test_exhaustive_short),
		cmocka_unit_test(test_four_byte_edges),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_fails_fast),
		cmocka_unit_test(test_incomplete_is_not_invalid),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_ascii_runs),
	};
	return cmocka_run_group_tests_name("ws_utf8", tests, NULL, NULL);
}
