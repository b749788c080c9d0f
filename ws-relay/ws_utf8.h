/* ws_utf8.h - incremental UTF-8 validation for text frames (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), fed fragment by
 * fragment so a code point may straddle two frames. Pure; no allocation. */
#ifndef WS_UTF8_H
#define WS_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef struct ws_utf8 {
	uint32_t state;    /* 0: at a code point boundary; initialise with {0} */
} ws_utf8;

/* Feed p[0..n). 0: valid so far (possibly inside a code point); -1: invalid
 * (and stays invalid). */
int ws_utf8_feed(ws_utf8 *s, const uint8_t *p, size_t n);

/* 1 when everything fed so far is complete, valid UTF-8. */
int ws_utf8_done(const ws_utf8 *s);

/* One-shot: 1 when p[0..n) is complete, valid UTF-8. */
int ws_utf8_valid(const uint8_t *p, size_t n);

#endif
