/* ws_utf8.c - incremental UTF-8 validation as a byte-class DFA.
 *
 * Each byte maps to one of 12 classes; a 9-state table says where a class
 * leads. The states that expect a continuation byte remember exactly which
 * continuation range is allowed next, which is how overlong forms (E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..BF,
 * F5..FF) are refused at the first byte that proves them wrong. The state is a
 * single number, so a code point split across fragments needs no buffer.
 *
 * Text frames are mostly ASCII, so at a code point boundary eight bytes are
 * checked at once against the high bits and skipped when all are clear. */
#include "ws_utf8.h"

#include <string.h>

enum {
	S_ACCEPT = 0,   /* at a boundary; must stay 0 (the header says {0}) */
	S_REJECT = 1,   /* absorbing */
	S_TAIL1,        /* one more 80..BF */
	S_TAIL2,        /* two more 80..BF */
	S_TAIL3,        /* three more 80..BF */
	S_E0,           /* after E0: A0..BF (shorter would be overlong) */
	S_ED,           /* after ED: 80..9F (A0..BF would be a surrogate) */
	S_F0,           /* after F0: 90..BF (shorter would be overlong) */
	S_F4,           /* after F4: 80..8F (more would pass U+10FFFF) */
	S_COUNT
};

enum {
	C_ASCII, C_80_8F, C_90_9F, C_A0_BF, C_LEAD2, C_E0, C_LEAD3, C_ED,
	C_F0, C_LEAD4, C_F4, C_BAD, C_COUNT
};

static const uint8_t byte_class[256] = {
	[0x00 ... 0x7F] = C_ASCII,
	[0x80 ... 0x8F] = C_80_8F,
	[0x90 ... 0x9F] = C_90_9F,
	[0xA0 ... 0xBF] = C_A0_BF,
	[0xC0 ... 0xC1] = C_BAD,     /* would only start overlong 2-byte forms */
	[0xC2 ... 0xDF] = C_LEAD2,
	[0xE0]          = C_E0,
	[0xE1 ... 0xEC] = C_LEAD3,
	[0xED]          = C_ED,
	[0xEE ... 0xEF] = C_LEAD3,
	[0xF0]          = C_F0,
	[0xF1 ... 0xF3] = C_LEAD4,
	[0xF4]          = C_F4,
	[0xF5 ... 0xFF] = C_BAD,
};

#define R S_REJECT
static const uint8_t next_state[S_COUNT][C_COUNT] = {
	/*           ASCII     80-8F    90-9F    A0-BF    C2-DF    E0    E1-EF    ED    F0    F1-F3    F4    bad */
	[S_ACCEPT] = { S_ACCEPT, R,       R,       R,       S_TAIL1, S_E0, S_TAIL2, S_ED, S_F0, S_TAIL3, S_F4, R },
	[S_REJECT] = { R,        R,       R,       R,       R,       R,    R,       R,    R,    R,       R,    R },
	[S_TAIL1]  = { R,        S_ACCEPT, S_ACCEPT, S_ACCEPT, R,    R,    R,       R,    R,    R,       R,    R },
	[S_TAIL2]  = { R,        S_TAIL1, S_TAIL1, S_TAIL1, R,       R,    R,       R,    R,    R,       R,    R },
	[S_TAIL3]  = { R,        S_TAIL2, S_TAIL2, S_TAIL2, R,       R,    R,       R,    R,    R,       R,    R },
	[S_E0]     = { R,        R,       R,       S_TAIL1, R,       R,    R,       R,    R,    R,       R,    R },
	[S_ED]     = { R,        S_TAIL1, S_TAIL1, R,       R,       R,    R,       R,    R,    R,       R,    R },
	[S_F0]     = { R,        R,       S_TAIL2, S_TAIL2, R,       R,    R,       R,    R,    R,       R,    R },
	[S_F4]     = { R,        S_TAIL2, R,       R,       R,       R,    R,       R,    R,    R,       R,    R },
};
#undef R

#define HIGH_BITS UINT64_C(0x8080808080808080)

int ws_utf8_feed(ws_utf8 *s, const uint8_t *p, size_t n)
{
	uint32_t st = s->state;
	size_t i = 0;

	if (st >= S_COUNT)          /* a corrupted state is treated as invalid */
		st = S_REJECT;
	while (i < n && st != S_REJECT) {
		size_t end;
		if (st == S_ACCEPT && n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);   /* unaligned-safe; the compiler emits one load */
			if ((w & HIGH_BITS) == 0) {
				i += 8;
				continue;
			}
		}
		/* a block with a high bit (or a short tail) goes through the table byte
		 * by byte; the whole block is consumed so no byte is loaded twice */
		end = n - i >= 8 ? i + 8 : n;
		for (; i < end; i++)
			st = next_state[st][byte_class[p[i]]];
	}
	s->state = st;
	return st == S_REJECT ? -1 : 0;
}

int ws_utf8_done(const ws_utf8 *s)
{
	return s->state == S_ACCEPT;
}

int ws_utf8_valid(const uint8_t *p, size_t n)
{
	ws_utf8 s = {0};
	return ws_utf8_feed(&s, p, n) == 0 && ws_utf8_done(&s);
}
