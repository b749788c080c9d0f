/* test_ws_frame.c - client frame headers (every 1002 and 1009 rule), server
 * headers, unmasking in pieces, close payloads both ways. */
#include "t_common.h"

#include "ws_frame.h"
#include "ws_utf8.h"

static const uint8_t MASK[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* A client header: b0 (FIN/RSV/opcode), the payload length in the given
 * length form (0: 7-bit, 2: 16-bit, 8: 64-bit; the value is written as is),
 * the mask bit as told, then MASK. Returns its length. */
static size_t hdr(uint8_t *o, uint8_t b0, int masked, int form, uint64_t len)
{
	size_t n = 2, i;
	o[0] = b0;
	o[1] = (uint8_t)((masked ? 0x80 : 0) | (form == 0 ? len : form == 2 ? 126 : 127));
	for (i = 0; i < (size_t)form; i++)
		o[n++] = (uint8_t)(len >> (8 * (form - 1 - i)));
	memcpy(o + n, MASK, 4);
	return n + 4;
}

/* Parse from an exact-size heap copy, so ASan sees any read past b[n-1]. */
static int parse(const uint8_t *b, size_t n, uint64_t max, ws_frame *f, uint16_t *code)
{
	uint8_t *c = calloc(1, n ? n : 1);
	int r;
	memcpy(c, b, n);
	r = ws_frame_parse(c, n, max, f, code);
	free(c);
	return r;
}

static void expect_ok(uint8_t b0, int form, uint64_t len, uint64_t max, size_t want_hdr)
{
	uint8_t b[WS_FRAME_HDR_MAX];
	size_t n = hdr(b, b0, 1, form, len), k;
	ws_frame f;
	uint16_t code = 0;
	assert_int_equal(n, want_hdr);
	assert_int_equal(parse(b, n, max, &f, &code), (int)n);
	assert_int_equal(f.fin, b0 >> 7);
	assert_int_equal(f.opcode, b0 & 0x0F);
	assert_true(f.len == len);
	assert_int_equal(f.hdr_len, n);
	assert_memory_equal(f.mask, MASK, 4);
	assert_int_equal(code, 0);                         /* only set on -1 */
	/* every shorter prefix asks for more bytes, and leaves *f alone */
	for (k = 0; k < n; k++) {
		ws_frame untouched;
		memset(&f, 0xa5, sizeof(f));
		memset(&untouched, 0xa5, sizeof(untouched));
		assert_int_equal(parse(b, k, max, &f, &code), 0);
		assert_memory_equal(&f, &untouched, sizeof(f));
		assert_int_equal(code, 0);
	}
}

static void expect_refused(uint8_t b0, int masked, int form, uint64_t len, uint64_t max, uint16_t want)
{
	uint8_t b[WS_FRAME_HDR_MAX];
	size_t n = hdr(b, b0, masked, form, len);
	ws_frame f;
	uint16_t code = 0;
	assert_int_equal(parse(b, n, max, &f, &code), -1);
	assert_int_equal(code, want);
}

static void test_length_forms(void **state)
{
	(void)state;
	expect_ok(0x81, 0, 0, 1 << 20, 6);
	expect_ok(0x81, 0, 5, 1 << 20, 6);
	expect_ok(0x82, 0, 125, 1 << 20, 6);
	expect_ok(0x82, 2, 126, 1 << 20, 8);               /* smallest 16-bit */
	expect_ok(0x81, 2, 65535, 1 << 20, 8);             /* largest 16-bit */
	expect_ok(0x82, 8, 65536, 1 << 20, 14);            /* smallest 64-bit */
	expect_ok(0x82, 8, UINT64_C(0x7FFFFFFFFFFFFFFF), UINT64_MAX, 14);
	expect_ok(0x01, 0, 3, 100, 6);                     /* text, no FIN */
	expect_ok(0x00, 2, 300, 1000, 8);                  /* continuation */
	expect_ok(0x80, 0, 0, 0, 6);                       /* final continuation */
}

static void test_opcodes(void **state)
{
	unsigned op;
	(void)state;
	for (op = 0; op < 16; op++) {
		int known = op <= 2 || (op >= 8 && op <= 10);
		if (known)
			expect_ok((uint8_t)(0x80 | op), 0, 4, 100, 6);
		else
			expect_refused((uint8_t)(0x80 | op), 1, 0, 4, 100, WS_CLOSE_PROTOCOL);
	}
}

static void test_reserved_bits_and_mask(void **state)
{
	(void)state;
	expect_refused(0x80 | 0x40 | 1, 1, 0, 4, 100, WS_CLOSE_PROTOCOL);   /* RSV1 */
	expect_refused(0x80 | 0x20 | 1, 1, 0, 4, 100, WS_CLOSE_PROTOCOL);   /* RSV2 */
	expect_refused(0x80 | 0x10 | 2, 1, 0, 4, 100, WS_CLOSE_PROTOCOL);   /* RSV3 */
	expect_refused(0x80 | 0x10 | 9, 1, 0, 0, 100, WS_CLOSE_PROTOCOL);   /* on a ping */
	expect_refused(0x81, 0, 0, 4, 100, WS_CLOSE_PROTOCOL);              /* unmasked */
	expect_refused(0x89, 0, 0, 0, 100, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 0, 2, 200, 100, WS_CLOSE_PROTOCOL);            /* unmasked beats 1009 */
}

static void test_control_frames(void **state)
{
	static const uint8_t ops[] = { WS_OP_CLOSE, WS_OP_PING, WS_OP_PONG };
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(ops); i++) {
		expect_ok((uint8_t)(0x80 | ops[i]), 0, 0, 100, 6);
		expect_ok((uint8_t)(0x80 | ops[i]), 0, 125, 1 << 20, 6);
		/* the message cap is for data frames only */
		expect_ok((uint8_t)(0x80 | ops[i]), 0, 125, 10, 6);
		expect_refused(ops[i], 1, 0, 0, 100, WS_CLOSE_PROTOCOL);            /* no FIN */
		expect_refused((uint8_t)(0x80 | ops[i]), 1, 2, 126, 1 << 20, WS_CLOSE_PROTOCOL);
		expect_refused((uint8_t)(0x80 | ops[i]), 1, 8, 65536, 1 << 20, WS_CLOSE_PROTOCOL);
		/* the 16-bit form is refused even when it holds 125 or less */
		expect_refused((uint8_t)(0x80 | ops[i]), 1, 2, 125, 1 << 20, WS_CLOSE_PROTOCOL);
	}
}

static void test_minimal_lengths(void **state)
{
	(void)state;
	expect_refused(0x82, 1, 2, 0, 1 << 20, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 2, 125, 1 << 20, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, 0, 1 << 20, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, 125, 1 << 20, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, 126, 1 << 20, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, 65535, 1 << 20, WS_CLOSE_PROTOCOL);
	/* the top bit of the 64-bit form: 1002 even with no cap (not 1009) */
	expect_refused(0x82, 1, 8, UINT64_C(0x8000000000000000), UINT64_MAX, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, UINT64_MAX, UINT64_MAX, WS_CLOSE_PROTOCOL);
	expect_refused(0x82, 1, 8, UINT64_C(0x8000000000000000), 1000, WS_CLOSE_PROTOCOL);
}

static void test_too_big(void **state)
{
	(void)state;
	expect_ok(0x81, 0, 100, 100, 6);                   /* exactly the cap */
	expect_refused(0x81, 1, 0, 101, 100, WS_CLOSE_TOO_BIG);
	expect_refused(0x82, 1, 2, 65535, 65534, WS_CLOSE_TOO_BIG);
	expect_refused(0x00, 1, 2, 200, 199, WS_CLOSE_TOO_BIG);    /* continuation */
	expect_refused(0x82, 1, 8, UINT64_C(0x7FFFFFFFFFFFFFFF), 65536, WS_CLOSE_TOO_BIG);
	expect_refused(0x81, 1, 0, 1, 0, WS_CLOSE_TOO_BIG);
	expect_ok(0x82, 8, 65536, 65536, 14);
}

/* Violations visible early are reported without waiting for the rest. */
static void test_early_verdicts(void **state)
{
	uint8_t b[WS_FRAME_HDR_MAX] = { 0 };
	ws_frame f;
	uint16_t code = 0;
	(void)state;
	assert_int_equal(parse(b, 0, 100, &f, &code), 0);
	b[0] = 0x81;
	assert_int_equal(parse(b, 1, 100, &f, &code), 0);
	b[1] = 0x05;                                        /* unmasked */
	assert_int_equal(parse(b, 2, 100, &f, &code), -1);
	assert_int_equal(code, WS_CLOSE_PROTOCOL);
	b[0] = 0x83;                                        /* opcode 3 */
	b[1] = 0x85;
	code = 0;
	assert_int_equal(parse(b, 2, 100, &f, &code), -1);
	assert_int_equal(code, WS_CLOSE_PROTOCOL);
	/* 1009 and non-minimal lengths as soon as the length is in, before the mask */
	hdr(b, 0x82, 1, 2, 1000);
	code = 0;
	assert_int_equal(parse(b, 3, 999, &f, &code), 0);
	assert_int_equal(parse(b, 4, 999, &f, &code), -1);
	assert_int_equal(code, WS_CLOSE_TOO_BIG);
	hdr(b, 0x82, 1, 8, 10);
	code = 0;
	assert_int_equal(parse(b, 9, 999, &f, &code), 0);
	assert_int_equal(parse(b, 10, 999, &f, &code), -1);
	assert_int_equal(code, WS_CLOSE_PROTOCOL);
}

static void ref_unmask(uint8_t *p, size_t n, uint64_t off)
{
	size_t i;
	for (i = 0; i < n; i++)
		p[i] ^= MASK[(off + i) % 4];
}

static void test_unmask(void **state)
{
	/* RFC 6455 section 5.7: "Hello" masked with 37 fa 21 3d */
	uint8_t hello[] = { 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	uint8_t src[67], want[67], got[67 + 8];
	size_t n, cut, align;
	(void)state;
	ws_frame_unmask(hello, 5, MASK, 0);
	assert_memory_equal(hello, "Hello", 5);
	ws_frame_unmask(hello, 0, MASK, 0);
	assert_memory_equal(hello, "Hello", 5);
	for (n = 0; n < sizeof(src); n++)
		src[n] = (uint8_t)(n * 37 + 11);
	for (n = 0; n <= sizeof(src); n++) {
		memcpy(want, src, n);
		ref_unmask(want, n, 0);
		/* in two pieces cut anywhere, the second at its payload offset */
		for (cut = 0; cut <= n; cut++)
			for (align = 0; align < 8; align += 3) {
				uint8_t *g = got + align;
				memcpy(g, src, n);
				ws_frame_unmask(g, cut, MASK, 0);
				ws_frame_unmask(g + cut, n - cut, MASK, cut);
				assert_memory_equal(g, want, n);
			}
	}
	/* offsets past 4 GiB count modulo 4 like any other */
	memcpy(got, src, 9);
	ws_frame_unmask(got, 9, MASK, UINT64_C(0x100000002));
	memcpy(want, src, 9);
	ref_unmask(want, 9, 2);
	assert_memory_equal(got, want, 9);
}

static void test_server_header(void **state)
{
	static const struct { uint64_t len; size_t n; uint8_t b[10]; } cases[] = {
		{ 0, 2, { 0x81, 0x00 } },
		{ 125, 2, { 0x81, 0x7d } },
		{ 126, 4, { 0x81, 0x7e, 0x00, 0x7e } },
		{ 65535, 4, { 0x81, 0x7e, 0xff, 0xff } },
		{ 65536, 10, { 0x81, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0 } },
		{ UINT64_C(0x0102030405060708), 10, { 0x81, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	uint8_t out[WS_SERVER_HDR_MAX], c[WS_FRAME_HDR_MAX];
	size_t i, n;
	ws_frame f;
	uint16_t code;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = ws_frame_header(out, WS_OP_TEXT, cases[i].len);
		assert_int_equal(n, cases[i].n);
		assert_memory_equal(out, cases[i].b, n);
		/* masked, it is a valid client header with the same length */
		memcpy(c, out, n);
		c[1] |= 0x80;
		memcpy(c + n, MASK, 4);
		assert_int_equal(parse(c, n + 4, UINT64_MAX, &f, &code), (int)(n + 4));
		assert_true(f.len == cases[i].len);
		assert_int_equal(f.opcode, WS_OP_TEXT);
		assert_int_equal(f.fin, 1);
	}
	assert_int_equal(ws_frame_header(out, WS_OP_CLOSE, 2), 2);
	assert_int_equal(out[0], 0x88);
	assert_int_equal(ws_frame_header(out, WS_OP_PONG, 0), 2);
	assert_int_equal(out[0], 0x8a);
	assert_int_equal(ws_frame_header(out, WS_OP_BIN, 300), 4);
	assert_int_equal(out[0], 0x82);
}

static int close_code_ok(unsigned c)
{
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

static void test_close_parse(void **state)
{
	static const unsigned refused[] = { 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535 };
	static const unsigned allowed[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999 };
	uint8_t p[WS_CONTROL_MAX] = { 0 };
	uint16_t code;
	unsigned c;
	size_t i;
	(void)state;
	code = 0;
	assert_int_equal(ws_close_parse(p, 0, &code), 0);
	assert_int_equal(code, WS_CLOSE_NO_STATUS);
	p[0] = 0x03;
	assert_int_equal(ws_close_parse(p, 1, &code), WS_CLOSE_PROTOCOL);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		p[0] = (uint8_t)(refused[i] >> 8), p[1] = (uint8_t)refused[i];
		assert_int_equal(ws_close_parse(p, 2, &code), WS_CLOSE_PROTOCOL);
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		p[0] = (uint8_t)(allowed[i] >> 8), p[1] = (uint8_t)allowed[i];
		code = 0;
		assert_int_equal(ws_close_parse(p, 2, &code), 0);
		assert_int_equal(code, allowed[i]);
	}
	for (c = 0; c < 65536; c++) {
		p[0] = (uint8_t)(c >> 8), p[1] = (uint8_t)c;
		assert_int_equal(ws_close_parse(p, 2, &code) == 0, close_code_ok(c));
	}
	/* the reason must be UTF-8 */
	p[0] = 0x03, p[1] = 0xe8;
	memcpy(p + 2, "bye \xc3\xa9", 6);
	assert_int_equal(ws_close_parse(p, 8, &code), 0);
	assert_int_equal(code, 1000);
	assert_int_equal(ws_close_parse(p, 7, &code), WS_CLOSE_BAD_DATA);   /* cut é */
	memcpy(p + 2, "\xed\xa0\x80", 3);
	assert_int_equal(ws_close_parse(p, 5, &code), WS_CLOSE_BAD_DATA);
	memcpy(p + 2, "\xff", 1);
	assert_int_equal(ws_close_parse(p, 3, &code), WS_CLOSE_BAD_DATA);
	/* a bad code is 1002 even when the reason is bad too */
	p[0] = 0x03, p[1] = 0xed;
	assert_int_equal(ws_close_parse(p, 3, &code), WS_CLOSE_PROTOCOL);
	/* *code is left alone on a refusal */
	code = 4242;
	assert_int_equal(ws_close_parse(p, 1, &code), WS_CLOSE_PROTOCOL);
	assert_int_equal(code, 4242);
}

static void check_payload(const uint8_t *out, size_t n, uint16_t want_code, const char *want_reason)
{
	uint16_t code = 0;
	assert_true(n >= 2 && n <= WS_CONTROL_MAX);
	assert_int_equal(out[0] << 8 | out[1], want_code);
	assert_int_equal(n - 2, strlen(want_reason));
	assert_memory_equal(out + 2, want_reason, n - 2);
	assert_true(ws_utf8_valid(out + 2, n - 2));
	if (want_code >= 1000 && want_code != WS_CLOSE_NO_STATUS)
		assert_int_equal(ws_close_parse(out, n, &code), 0);
}

static void test_close_payload(void **state)
{
	uint8_t out[WS_CONTROL_MAX];
	char r[200];
	size_t n, cut;
	(void)state;
	check_payload(out, ws_close_payload(out, 1000, NULL), 1000, "");
	check_payload(out, ws_close_payload(out, 1001, ""), 1001, "");
	check_payload(out, ws_close_payload(out, 1013, "slow consumer"), 1013, "slow consumer");
	/* 123 bytes of reason fit; one more is cut */
	memset(r, 'x', 124);
	r[124] = '\0';
	n = ws_close_payload(out, 1008, r);
	assert_int_equal(n, WS_CONTROL_MAX);
	r[123] = '\0';
	check_payload(out, n, 1008, r);
	/* a multi-byte code point across the limit is left out whole, for each
	 * position of the limit inside it */
	for (cut = 1; cut <= 3; cut++) {
		memset(r, 'x', sizeof(r));
		memcpy(r + 123 - cut, "\xf0\x9f\x98\x80", 4);     /* 😀 */
		r[127] = 'y';
		r[128] = '\0';
		n = ws_close_payload(out, 1011, r);
		r[123 - cut] = '\0';
		check_payload(out, n, 1011, r);
		assert_int_equal(n, 2 + 123 - cut);
	}
	/* 70 two-byte characters: 61 fit (122 bytes) */
	for (n = 0; n < 70; n++)
		memcpy(r + 2 * n, "\xc3\xa9", 2);
	r[140] = '\0';
	n = ws_close_payload(out, 1000, r);
	r[122] = '\0';
	check_payload(out, n, 1000, r);
	/* a reason that is not UTF-8 is dropped, the code stays */
	check_payload(out, ws_close_payload(out, 1011, "bad \xff byte"), 1011, "");
	check_payload(out, ws_close_payload(out, 1011, "cut \xc3"), 1011, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_forms),
		cmocka_unit_test(test_opcodes),
		cmocka_unit_test(test_reserved_bits_and_mask),
		cmocka_unit_test(test_control_frames),
		cmocka_unit_test(test_minimal_lengths),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_early_verdicts),
		cmocka_unit_test(test_unmask),
		cmocka_unit_test(test_server_header),
		cmocka_unit_test(test_close_parse),
		cmocka_unit_test(test_close_payload),
	};
	return cmocka_run_group_tests_name("ws_frame", tests, NULL, NULL);
}
