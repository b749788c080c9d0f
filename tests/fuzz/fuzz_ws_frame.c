/* fuzz_ws_frame.c - libFuzzer target for ws_frame.c and ws_utf8.c.
 *
 * The input is what a client sent after the upgrade: a stream of frames. It
 * is read the way the relay's connection code reads it: parse a header,
 * unmask the payload (in two pieces, at an offset), keep the message state
 * (fragments, the message cap, UTF-8 of text messages across
 * fragments), check close payloads, and stop at the first violation. On the
 * way it checks what must hold:
 *   - a refusal is 1002 or 1009; an accepted header is 6..14 bytes, every
 *     shorter prefix of it asks for more bytes, and the server encoding of
 *     the same length is byte for byte the client's (lengths are minimal);
 *   - unmasking in pieces equals XOR with the key byte by byte;
 *   - incremental UTF-8 agrees with the one-shot check of the whole message;
 *   - a valid close code is echoed by ws_close_payload into a payload that
 *     ws_close_parse accepts with the same code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws_frame.h"
#include "ws_utf8.h"

/* Each input is read twice: with the relay's default message cap
 * (RELAY_MAX_MESSAGE_BYTES, 64 KiB) and with a small one, so the cap on a
 * fragmented message is reached by inputs of a few hundred bytes. */
#define CAP_DEFAULT 65536
#define CAP_SMALL   300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_header(const uint8_t *b, const ws_frame *f, int r, uint64_t cap)
{
	uint8_t out[WS_SERVER_HDR_MAX];
	uint16_t code;
	ws_frame g;
	size_t k, hn;

	if (r != (int)f->hdr_len || f->hdr_len < 6 || f->hdr_len > WS_FRAME_HDR_MAX)
		abort();
	for (k = 0; k < f->hdr_len; k++)
		if (ws_frame_parse(b, k, cap, &g, &code) != 0)
			abort();
	hn = ws_frame_header(out, f->opcode, f->len);
	if (hn + 4 != f->hdr_len || (out[0] & 0x0F) != f->opcode || out[1] != (b[1] & 0x7F) ||
	    memcmp(out + 2, b + 2, hn - 2) != 0 || memcmp(f->mask, b + hn, 4) != 0)
		abort();
}

/* Echo a valid close: our payload with the peer's code and reason. */
static void check_close(const uint8_t *p, size_t n)
{
	uint8_t out[WS_CONTROL_MAX];
	char reason[WS_CONTROL_MAX + 1];
	uint16_t code = 0, again = 0;
	size_t m;
	int rc = ws_close_parse(p, n, &code);

	if (rc != 0) {
		if (rc != WS_CLOSE_PROTOCOL && rc != WS_CLOSE_BAD_DATA)
			abort();
		return;
	}
	if (n == 0) {
		if (code != WS_CLOSE_NO_STATUS)
			abort();
		return;
	}
	memcpy(reason, p + 2, n - 2);            /* a control payload is <= 125 */
	reason[n - 2] = '\0';
	m = ws_close_payload(out, code, reason);
	if (m < 2 || m > WS_CONTROL_MAX || m - 2 > strlen(reason) ||
	    memcmp(out + 2, reason, m - 2) != 0)
		abort();
	if (ws_close_parse(out, m, &again) != 0 || again != code)
		abort();
}

static void read_stream(const uint8_t *data, size_t size, uint64_t cap)
{
	uint8_t *msg = malloc(size ? size : 1);  /* the text message so far */
	size_t off = 0, msg_n = 0;
	uint64_t msg_len = 0;
	int in_msg = 0, text = 0, utf8_bad = 0;
	ws_utf8 u = {0};

	while (off < size) {
		const uint8_t *b = data + off;
		size_t n = size - off, avail, cut, i;
		uint16_t code = 0;
		uint8_t *p;
		ws_frame f;
		int r = ws_frame_parse(b, n, cap, &f, &code);

		if (r == 0)
			break;                           /* the rest of the header is not here yet */
		if (r < 0) {
			if (code != WS_CLOSE_PROTOCOL && code != WS_CLOSE_TOO_BIG)
				abort();
			break;
		}
		check_header(b, &f, r, cap);
		avail = n - (size_t)r < f.len ? n - (size_t)r : (size_t)f.len;
		p = malloc(avail ? avail : 1);
		memcpy(p, b + r, avail);
		cut = avail ? f.mask[0] % (avail + 1) : 0;
		ws_frame_unmask(p, cut, f.mask, 0);
		ws_frame_unmask(p + cut, avail - cut, f.mask, cut);
		for (i = 0; i < avail; i++)
			if (p[i] != (b[r + i] ^ f.mask[i % 4]))
				abort();

		if (f.opcode & 0x08) {
			int closing = f.opcode == WS_OP_CLOSE;
			if (closing && avail == f.len)
				check_close(p, avail);
			free(p);
			if (closing)
				break;
		} else {
			if ((f.opcode == WS_OP_CONT) != in_msg) {
				free(p);
				break;                       /* 1002: no message to continue, or one unfinished */
			}
			if (!in_msg) {
				in_msg = 1, text = f.opcode == WS_OP_TEXT;
				msg_len = 0, msg_n = 0, utf8_bad = 0;
				memset(&u, 0, sizeof(u));
			}
			msg_len += f.len;
			if (msg_len > cap) {
				free(p);
				break;                       /* 1009 */
			}
			if (text) {
				memcpy(msg + msg_n, p, avail);
				msg_n += avail;
				/* fed in the same two pieces the payload was unmasked in */
				utf8_bad = ws_utf8_feed(&u, p, cut) < 0 || ws_utf8_feed(&u, p + cut, avail - cut) < 0;
				if (utf8_bad && ws_utf8_valid(msg, msg_n))
					abort();
			}
			free(p);
			if (utf8_bad)
				break;                       /* 1007 */
			if (f.fin && avail == f.len) {
				if (text && ws_utf8_done(&u) != ws_utf8_valid(msg, msg_n))
					abort();
				in_msg = 0;
			}
		}
		if (avail < f.len)
			break;                           /* the payload continues in a later read */
		off += (size_t)r + avail;
	}
	free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_stream(data, size, CAP_DEFAULT);
	read_stream(data, size, CAP_SMALL);
	return 0;
}
