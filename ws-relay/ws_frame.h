/* ws_frame.h - RFC 6455 frames: parsing client frame headers, encoding server
 * frame headers, unmasking, close payloads (RFC 6455 sections 5 and 7.4).
 *
 * Pure functions, no allocation, no I/O: the connection code (relay_conn.c)
 * owns the buffers and the message state (fragments, UTF-8). Safe to call
 * from any thread. Fuzzed by tests/fuzz/fuzz_ws_frame.c. */
#ifndef WS_FRAME_H
#define WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum {
	WS_OP_CONT  = 0x0,
	WS_OP_TEXT  = 0x1,
	WS_OP_BIN   = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING  = 0x9,
	WS_OP_PONG  = 0xA
};

/* close codes (RFC 6455 section 7.4.1) */
enum {
	WS_CLOSE_NORMAL      = 1000,
	WS_CLOSE_GOING_AWAY  = 1001,
	WS_CLOSE_PROTOCOL    = 1002,
	WS_CLOSE_UNSUPPORTED = 1003,
	WS_CLOSE_NO_STATUS   = 1005,   /* never sent: "the peer gave no code" */
	WS_CLOSE_BAD_DATA    = 1007,
	WS_CLOSE_POLICY      = 1008,
	WS_CLOSE_TOO_BIG     = 1009,
	WS_CLOSE_SERVER      = 1011,
	WS_CLOSE_TRY_LATER   = 1013
};

#define WS_FRAME_HDR_MAX     14   /* 2 + 8 extended length + 4 mask */
#define WS_SERVER_HDR_MAX    10   /* server frames are never masked */
#define WS_CONTROL_MAX       125

typedef struct ws_frame {
	uint8_t  fin;       /* 1 when FIN is set */
	uint8_t  opcode;    /* WS_OP_* */
	uint8_t  mask[4];   /* the client's masking key */
	uint64_t len;       /* payload length */
	size_t   hdr_len;   /* bytes of header before the payload (2..14) */
} ws_frame;

/* Parse the header of one client-to-server frame at b[0..n).
 * Returns the header length (> 0) when complete and valid, 0 when more bytes
 * are needed, -1 on a violation with *code set to the close code to send:
 *   1002: a reserved bit set (no extension is negotiated), an unknown opcode
 *         (3-7, 0xB-0xF), the mask bit clear (clients must mask), a control
 *         frame without FIN or with a payload above 125 bytes, an extended
 *         length that is not minimal (126 form for < 126, 127 form for
 *         < 65536) or has the top bit set;
 *   1009: a data frame (text, binary, continuation) longer than max_len
 *         (control frames have their own 125-byte limit, whatever max_len).
 * A violation is reported as soon as the bytes that show it are in (the
 * first two for all but the length rules), not when the header is complete.
 * *f is written only when the result is > 0, *code only when it is -1.
 * The cap is per frame: the caller adds up a fragmented message's lengths.
 * Never reads past b[n-1]. */
int ws_frame_parse(const uint8_t *b, size_t n, uint64_t max_len, ws_frame *f, uint16_t *code);

/* XOR p[0..n) with the mask, as if p started `offset` bytes into the payload
 * (a payload unmasked in pieces). */
void ws_frame_unmask(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t offset);

/* Write the header of a server frame (FIN set, no mask) for a payload of len
 * bytes (below 2^63) into out; returns its length (2, 4 or 10). The length
 * uses the minimal form, as section 5.2 requires. */
size_t ws_frame_header(uint8_t out[WS_SERVER_HDR_MAX], unsigned opcode, uint64_t len);

/* Check a close frame's payload p[0..n) (already unmasked). Returns 0 when
 * valid, with *code = the peer's code or 1005 when the payload is empty;
 * otherwise the close code to answer with: 1002 for a 1-byte payload or a
 * code that may not be sent (below 1000, 1004, 1005, 1006, 1015, 1016-2999,
 * 5000 and up), 1007 when the reason is not valid UTF-8. 1012-1014 (IANA
 * registry) and 3000-4999 are accepted. *code is untouched on a refusal. */
int ws_close_parse(const uint8_t *p, size_t n, uint16_t *code);

/* The payload of a close frame we send: 2-byte code then reason (cut to fit
 * 125 bytes, at a UTF-8 boundary). Returns its length. reason may be NULL; a
 * reason that is not valid UTF-8 is left out (the code alone is sent). */
size_t ws_close_payload(uint8_t out[WS_CONTROL_MAX], uint16_t code, const char *reason);

#endif
