/* ws_frame.c - RFC 6455 frame headers, masking and close payloads.
 *
 * Everything a client can get wrong in a header is visible in its first two
 * bytes except the extended length, so those checks run before we ask for
 * more bytes: a peer that sends garbage is refused at once instead of after
 * we waited for a header that will never make sense. */
#include "ws_frame.h"

#include <string.h>

#include "ws_utf8.h"

static int is_known_opcode(unsigned op)
{
	return op == WS_OP_CONT || op == WS_OP_TEXT || op == WS_OP_BIN ||
	       op == WS_OP_CLOSE || op == WS_OP_PING || op == WS_OP_PONG;
}

static int refuse(uint16_t *code, uint16_t c)
{
	*code = c;
	return -1;
}

int ws_frame_parse(const uint8_t *b, size_t n, uint64_t max_len, ws_frame *f, uint16_t *code)
{
	unsigned fin, opcode, len7;
	size_t ext, need, i;
	uint64_t len;

	if (n < 2)
		return 0;
	fin = b[0] >> 7;
	opcode = b[0] & 0x0F;
	len7 = b[1] & 0x7F;
	if (b[0] & 0x70)                     /* RSV1-3: we negotiate no extension */
		return refuse(code, WS_CLOSE_PROTOCOL);
	if (!is_known_opcode(opcode))
		return refuse(code, WS_CLOSE_PROTOCOL);
	if (!(b[1] & 0x80))                  /* section 5.1: clients must mask */
		return refuse(code, WS_CLOSE_PROTOCOL);
	if ((opcode & 0x08) && (!fin || len7 > WS_CONTROL_MAX))
		return refuse(code, WS_CLOSE_PROTOCOL);

	ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
	if (n < 2 + ext)
		return 0;
	len = len7;
	if (ext) {
		len = 0;
		for (i = 0; i < ext; i++)
			len = (len << 8) | b[2 + i];
		/* section 5.2: the minimal number of bytes must be used, and the
		 * most significant bit of the 64-bit form must be 0 */
		if (ext == 2 && len < 126)
			return refuse(code, WS_CLOSE_PROTOCOL);
		if (ext == 8 && (len < 65536 || (len >> 63)))
			return refuse(code, WS_CLOSE_PROTOCOL);
	}
	/* the message cap is for data; control frames have their own 125 */
	if (!(opcode & 0x08) && len > max_len)
		return refuse(code, WS_CLOSE_TOO_BIG);

	need = 2 + ext + 4;
	if (n < need)
		return 0;
	f->fin = (uint8_t)fin;
	f->opcode = (uint8_t)opcode;
	memcpy(f->mask, b + 2 + ext, 4);
	f->len = len;
	f->hdr_len = need;
	return (int)need;
}

void ws_frame_unmask(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t offset)
{
	uint8_t m[8];
	uint64_t m64;
	size_t i = 0, k;

	/* the mask rotated so that m[0] applies to p[0]; doubled to 8 bytes so
	 * the bulk of the payload is XORed a word at a time (memcpy keeps it
	 * alignment-safe and byte-order independent) */
	for (k = 0; k < 8; k++)
		m[k] = mask[(offset + k) & 3];
	memcpy(&m64, m, 8);
	for (; n - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		w ^= m64;
		memcpy(p + i, &w, 8);
	}
	for (; i < n; i++)
		p[i] ^= m[i & 7];
}

size_t ws_frame_header(uint8_t out[WS_SERVER_HDR_MAX], unsigned opcode, uint64_t len)
{
	int k;

	out[0] = (uint8_t)(0x80 | (opcode & 0x0F));
	if (len < 126) {
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xFFFF) {
		out[1] = 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		return 4;
	}
	out[1] = 127;
	for (k = 0; k < 8; k++)
		out[2 + k] = (uint8_t)(len >> (8 * (7 - k)));
	return 10;
}

/* Section 7.4: codes a peer may put in a close frame. 1012-1014 are in the
 * IANA registry (restart, try again later, bad gateway); 3000-4999 belong to
 * libraries and applications. */
static int close_code_sendable(unsigned c)
{
	if (c >= 1000 && c <= 1003)
		return 1;
	if (c >= 1007 && c <= 1014)
		return 1;
	return c >= 3000 && c <= 4999;
}

int ws_close_parse(const uint8_t *p, size_t n, uint16_t *code)
{
	unsigned c;

	if (n == 0) {
		*code = WS_CLOSE_NO_STATUS;
		return 0;
	}
	if (n == 1)
		return WS_CLOSE_PROTOCOL;
	c = (unsigned)p[0] << 8 | p[1];
	if (!close_code_sendable(c))
		return WS_CLOSE_PROTOCOL;
	if (!ws_utf8_valid(p + 2, n - 2))
		return WS_CLOSE_BAD_DATA;
	*code = (uint16_t)c;
	return 0;
}

size_t ws_close_payload(uint8_t out[WS_CONTROL_MAX], uint16_t code, const char *reason)
{
	size_t n = 0, room = WS_CONTROL_MAX - 2;

	out[0] = (uint8_t)(code >> 8);
	out[1] = (uint8_t)code;
	if (reason == NULL)
		return 2;
	while (n < room && reason[n] != '\0')
		n++;
	/* cut before a code point that does not fit whole: when the first byte
	 * left out is a continuation byte, back up to its lead byte */
	if (n == room && reason[n] != '\0')
		while (n > 0 && ((uint8_t)reason[n] & 0xC0) == 0x80)
			n--;
	/* our reasons are static text, but a close frame with a broken reason
	 * would be our protocol error: send the code alone then */
	if (!ws_utf8_valid((const uint8_t *)reason, n))
		n = 0;
	memcpy(out + 2, reason, n);
	return 2 + n;
}
