/* ws_handshake.h - the HTTP/1.1 upgrade request of a WebSocket client
 * (RFC 6455 section 4.2.1), parsed strictly with size caps.
 *
 * Pure: no allocation, no I/O. The results point into the caller's buffer,
 * which must outlive them. Fuzzed by tests/fuzz/fuzz_ws_handshake.c. */
#ifndef WS_HANDSHAKE_H
#define WS_HANDSHAKE_H

#include <stddef.h>

#define WS_HS_MAX_HEAD     8192   /* request line + headers; more is refused with 431 */
#define WS_HS_MAX_HEADERS  64     /* header lines; more is 431 */
#define WS_HS_ACCEPT_LEN   28     /* base64 of a SHA-1 */

typedef struct ws_span {
	const char *p;     /* NULL when absent */
	size_t      n;
} ws_span;

typedef struct ws_hs_req {
	ws_span method;          /* "GET" */
	ws_span path;            /* the target up to '?' (raw, not decoded) */
	ws_span query;           /* after '?', without it; p == NULL when no '?' */
	ws_span host;
	ws_span key;             /* Sec-WebSocket-Key, checked: base64 of 16 bytes */
	ws_span origin;          /* Origin; p == NULL when absent */
	ws_span authorization;   /* Authorization; p == NULL when absent */
	ws_span forwarded_for;   /* X-Forwarded-For; p == NULL when absent */
	ws_span protocol;        /* Sec-WebSocket-Protocol; p == NULL when absent */
	int     version;         /* Sec-WebSocket-Version as a number, -1 when absent or not a number */
} ws_hs_req;

/* Parse the request head at b[0..n) (n may include bytes after the head).
 * Returns the length of the head including its final CRLF CRLF (> 0) when it
 * is complete and acceptable for an upgrade; 0 when it is incomplete and n <
 * WS_HS_MAX_HEAD (read more); -1 with *status and *why (static text, fit for
 * a client) when it must be refused:
 *   400 malformed request line or header line (bare CR or LF, control
 *       characters, a header name that is not a token, obs-fold continuation
 *       lines, no colon), HTTP version other than HTTP/1.1, no Host, a
 *       duplicated Host / Sec-WebSocket-Key / Origin / Authorization, no
 *       "Upgrade: websocket" (case-insensitive token), no "upgrade" token in
 *       Connection (a comma list, case-insensitive), a missing or malformed
 *       Sec-WebSocket-Key, a request target that is not origin-form ("/...");
 *   405 a method other than GET (the caller adds "Allow: GET");
 *   426 Sec-WebSocket-Version missing or not 13 (the caller adds
 *       "Sec-WebSocket-Version: 13");
 *   431 the head is longer than WS_HS_MAX_HEAD or has more than
 *       WS_HS_MAX_HEADERS header lines.
 * Header names are case-insensitive; values are trimmed of spaces and tabs.
 * The method is checked before the headers, then the version last, so a
 * well-formed non-GET request gets 405 and a version mismatch 426.
 * Details: a bare CR or LF is refused (400) as soon as it arrives, even in an
 * incomplete head; an empty Host counts as no Host; the target is visible
 * ASCII without '#'; the key must be 22 base64 symbols then "==" (its unused
 * low bits are not checked, like the ws and gorilla servers); two
 * Sec-WebSocket-Version lines make version -1 (426); of several
 * X-Forwarded-For lines the last is kept (the one the nearest proxy wrote),
 * of several Sec-WebSocket-Protocol lines the first. *status and *why are
 * only written on -1; *r is cleared first, then filled as parsing goes. */
int ws_hs_parse(const char *b, size_t n, ws_hs_req *r, int *status, const char **why);

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
 * written as a NUL-terminated string into out (29 bytes). out is "" when
 * key_len is above 128 (never for a key ws_hs_parse accepted) or OpenSSL
 * fails. */
void ws_hs_accept(const char *key, size_t key_len, char out[WS_HS_ACCEPT_LEN + 1]);

/* The value of query parameter `name` in q[0..qn) (a=b&c=d), percent- and
 * '+'-decoded into out (NUL-terminated). Returns its length, -1 when the
 * parameter is absent, -2 when it is malformed (bad %xx, a decoded NUL) or
 * does not fit in cap - 1 bytes, or appears twice. Keys are compared decoded
 * and case-sensitively ("call%5Fid" is call_id); a pair under another name
 * is not judged, and a key that does not decode matches no name. A pair
 * without '=' has the empty value. out is "" on -1 and -2; cap 0 gives -2.
 * Implemented in ws_hs_query.c. */
int ws_hs_query(const char *q, size_t qn, const char *name, char *out, size_t cap);

#endif
