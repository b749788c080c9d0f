/* test_ws_handshake.c - the upgrade request: accepted heads (minimal and
 * browser-like), every 400/405/426/431 rule, Sec-WebSocket-Accept, and the
 * query parameter decoder. */
#include "t_common.h"

#include "ws_handshake.h"

#define RL      "GET /v1/ws HTTP/1.1\r\n"
#define H_HOST  "Host: relay.example\r\n"
#define H_UPG   "Upgrade: websocket\r\n"
#define H_CONN  "Connection: Upgrade\r\n"
#define H_KEY   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define H_VER   "Sec-WebSocket-Version: 13\r\n"
#define GOOD    H_HOST H_UPG H_CONN H_KEY H_VER
#define END     "\r\n"

/* Each parse works on an exact-size heap copy (ASan sees reads past the end);
 * the copy lives until the next parse, since the results point into it. */
static char *g_buf;
static ws_hs_req g_r;
static int g_status;
static const char *g_why;

static int run_n(const char *s, size_t n)
{
	free(g_buf);
	g_buf = malloc(n ? n : 1);
	memcpy(g_buf, s, n);
	g_status = 0;
	g_why = NULL;
	return ws_hs_parse(g_buf, n, &g_r, &g_status, &g_why);
}

static int run(const char *s)
{
	return run_n(s, strlen(s));
}

static int teardown(void **state)
{
	(void)state;
	free(g_buf);
	g_buf = NULL;
	return 0;
}

static void span_is(ws_span s, const char *want)
{
	if (want == NULL) {
		assert_null(s.p);
		return;
	}
	assert_non_null(s.p);
	assert_int_equal(s.n, strlen(want));
	assert_memory_equal(s.p, want, s.n);
}

#define accepted(s) accepted_at(s, __LINE__)
static void accepted_at(const char *s, int line)
{
	int rc = run(s);
	if (rc != (int)strlen(s))
		fail_msg("line %d: rc %d status %d (%s), want %zu", line, rc, g_status,
		         g_why ? g_why : "-", strlen(s));
	/* status and why are for refusals only */
	assert_int_equal(g_status, 0);
	assert_null(g_why);
}

#define refused(s, st) refused_at(s, st, __LINE__)
static void refused_at(const char *s, int status, int line)
{
	int rc = run(s);
	if (rc != -1 || g_status != status)
		fail_msg("line %d: rc %d status %d (%s), want %d", line, rc, g_status,
		         g_why ? g_why : "-", status);
	assert_non_null(g_why);
	assert_true(strlen(g_why) > 0);
}

static void test_accept_key(void **state)
{
	char out[WS_HS_ACCEPT_LEN + 1];
	(void)state;
	/* RFC 6455 section 1.3 */
	ws_hs_accept("dGhlIHNhbXBsZSBub25jZQ==", 24, out);
	assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	ws_hs_accept("x3JJHMbDL1EzLkh9GBhXDw==", 24, out);
	assert_string_equal(out, "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
	/* key_len is honoured (not strlen) */
	ws_hs_accept("AQIDBAUGBwgJCgsMDQ4PEA==trailing", 24, out);
	assert_string_equal(out, "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
	assert_int_equal(strlen(out), WS_HS_ACCEPT_LEN);
}

static void test_minimal(void **state)
{
	const char *head = "GET /v1/ws/chat?conversation_id=abc&ticket=t%2Bx HTTP/1.1\r\n" GOOD END;
	char with_frame[512];
	size_t n;
	(void)state;
	accepted(head);
	span_is(g_r.method, "GET");
	span_is(g_r.path, "/v1/ws/chat");
	span_is(g_r.query, "conversation_id=abc&ticket=t%2Bx");
	span_is(g_r.host, "relay.example");
	span_is(g_r.key, "dGhlIHNhbXBsZSBub25jZQ==");
	span_is(g_r.origin, NULL);
	span_is(g_r.authorization, NULL);
	span_is(g_r.forwarded_for, NULL);
	span_is(g_r.protocol, NULL);
	assert_int_equal(g_r.version, 13);
	/* bytes after the head (a first frame) are not part of it */
	n = (size_t)snprintf(with_frame, sizeof(with_frame), "%s\x81\x85\x01\x02\x03\x04hello", head);
	assert_true(n < sizeof(with_frame));
	assert_int_equal(run_n(with_frame, n), (int)strlen(head));
	/* no '?': no query; a bare '?': an empty one */
	accepted(RL GOOD END);
	span_is(g_r.path, "/v1/ws");
	span_is(g_r.query, NULL);
	accepted("GET /v1/ws? HTTP/1.1\r\n" GOOD END);
	span_is(g_r.path, "/v1/ws");
	span_is(g_r.query, "");
}

static void test_browsers(void **state)
{
	(void)state;
	accepted("GET /v1/ws?ticket=AbC_dEf-123 HTTP/1.1\r\n"
	         "Host: localhost:8080\r\n"
	         "Connection: Upgrade\r\n"
	         "Pragma: no-cache\r\n"
	         "Cache-Control: no-cache\r\n"
	         "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n"
	         "Upgrade: websocket\r\n"
	         "Origin: http://localhost:8080\r\n"
	         "Sec-WebSocket-Version: 13\r\n"
	         "Accept-Encoding: gzip, deflate, br\r\n"
	         "Accept-Language: en-US,en;q=0.9\r\n"
	         "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
	         "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
	         "\r\n");
	span_is(g_r.origin, "http://localhost:8080");
	span_is(g_r.key, "x3JJHMbDL1EzLkh9GBhXDw==");
	/* Firefox: Connection is a list with keep-alive first */
	accepted("GET /v1/ws HTTP/1.1\r\n"
	         "Host: localhost:8080\r\n"
	         "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\r\n"
	         "Accept: */*\r\n"
	         "Accept-Language: en-US,en;q=0.5\r\n"
	         "Accept-Encoding: gzip, deflate, br\r\n"
	         "Sec-WebSocket-Version: 13\r\n"
	         "Origin: https://app.example\r\n"
	         "Sec-WebSocket-Extensions: permessage-deflate\r\n"
	         "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"
	         "Connection: keep-alive, Upgrade\r\n"
	         "Sec-Fetch-Dest: empty\r\n"
	         "Sec-Fetch-Mode: websocket\r\n"
	         "Sec-Fetch-Site: same-origin\r\n"
	         "Pragma: no-cache\r\n"
	         "Cache-Control: no-cache\r\n"
	         "Upgrade: websocket\r\n"
	         "\r\n");
	span_is(g_r.origin, "https://app.example");
	/* a native client behind lighttpd: Bearer, X-Forwarded-For, a subprotocol */
	accepted(RL GOOD "Authorization: Bearer eyJ.abc.def\r\n"
	         "X-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n"
	         "Sec-WebSocket-Protocol: chat, superchat\r\n" END);
	span_is(g_r.authorization, "Bearer eyJ.abc.def");
	span_is(g_r.forwarded_for, "203.0.113.7, 127.0.0.1");
	span_is(g_r.protocol, "chat, superchat");
	span_is(g_r.origin, NULL);
}

static void test_header_forms(void **state)
{
	(void)state;
	/* names in any case; values trimmed of spaces and tabs */
	accepted(RL "HOST:relay.example\r\n" "upgrade: WebSocket\r\n" "CONNECTION: UPGRADE\r\n"
	         "sec-websocket-key: \t dGhlIHNhbXBsZSBub25jZQ== \t\r\n" "SEC-WEBSOCKET-VERSION:  13 \r\n"
	         "ORIGIN:   https://a.example  \r\n" END);
	span_is(g_r.host, "relay.example");
	span_is(g_r.key, "dGhlIHNhbXBsZSBub25jZQ==");
	span_is(g_r.origin, "https://a.example");
	assert_int_equal(g_r.version, 13);
	/* lists: the token anywhere, any case, empty elements allowed */
	accepted(RL H_HOST "Upgrade: h2c, WEBSOCKET\r\n" "Connection: keep-alive,upgrade\r\n" H_KEY H_VER END);
	accepted(RL H_HOST "Upgrade: websocket\r\n" "Connection: ,, Upgrade ,\r\n" H_KEY H_VER END);
	accepted(RL H_HOST "Upgrade: foo\r\n" "Upgrade: websocket\r\n" "Connection: close\r\n"
	         "Connection: upgrade\r\n" H_KEY H_VER END);
	/* obs-text in a value, an empty value, tchar-only names */
	accepted(RL GOOD "X-Name: caf\xc3\xa9\r\n" "X-Empty:\r\n" "!#$%&'*+-.^_`|~09aZ: ok\r\n" END);
	/* X-Forwarded-For twice: the last line; Sec-WebSocket-Protocol: the first */
	accepted(RL GOOD "X-Forwarded-For: 1.1.1.1\r\n" "Sec-WebSocket-Protocol: a\r\n"
	         "x-forwarded-for: 2.2.2.2\r\n" "Sec-WebSocket-Protocol: b\r\n" END);
	span_is(g_r.forwarded_for, "2.2.2.2");
	span_is(g_r.protocol, "a");
	/* other origin-form targets */
	accepted("GET / HTTP/1.1\r\n" GOOD END);
	accepted("GET /a/b%20c?x=1&y=%zz HTTP/1.1\r\n" GOOD END);
	span_is(g_r.query, "x=1&y=%zz");
}

static void test_incomplete(void **state)
{
	const char *head = "GET /v1/ws?ticket=abc HTTP/1.1\r\n" GOOD "Origin: https://a.example\r\n" END;
	size_t n, len = strlen(head);
	(void)state;
	for (n = 0; n < len; n++)
		if (run_n(head, n) != 0 || g_status != 0 || g_why != NULL)
			fail_msg("prefix of %zu bytes: rc not 0 (status %d, %s)", n, g_status, g_why ? g_why : "-");
	assert_int_equal(run_n(head, len), (int)len);
}

static void test_400(void **state)
{
	(void)state;
	/* line endings and control characters, noticed even before the head ends */
	refused("GET /v1/ws HTTP/1.1\n", 400);
	refused(RL "Host: relay.example\n", 400);
	refused(RL "Host: relay\rexample\r\n", 400);
	refused(RL GOOD "\n", 400);
	refused(RL GOOD "X: a\x01" "b\r\n" END, 400);
	refused(RL GOOD "X: a\x7f" "b\r\n" END, 400);
	assert_int_equal(run_n(RL GOOD "X: a\0b\r\n" END, sizeof(RL GOOD "X: a\0b\r\n" END) - 1), -1);
	assert_int_equal(g_status, 400);
	/* header names: a token, then the colon at once */
	refused(RL GOOD "Bad Name: x\r\n" END, 400);
	refused(RL GOOD "Host : relay.example\r\n" END, 400);
	refused(RL GOOD "(x): y\r\n" END, 400);
	refused(RL GOOD ": no name\r\n" END, 400);
	refused(RL GOOD "NoColon\r\n" END, 400);
	refused(RL GOOD "X-\xc3\xa9: v\r\n" END, 400);
	refused(RL GOOD "X-Long: a\r\n  continued\r\n" END, 400);      /* obs-fold */
	refused(RL GOOD "X-Long: a\r\n\tcontinued\r\n" END, 400);
	/* request line */
	refused("GET /v1/ws HTTP/1.0\r\n" GOOD END, 400);
	refused("GET /v1/ws HTTP/2\r\n" GOOD END, 400);
	refused("GET /v1/ws http/1.1\r\n" GOOD END, 400);
	refused("GET /v1/ws HTTP/1.1 \r\n" GOOD END, 400);
	refused("GET /v1/ws\r\n" GOOD END, 400);
	refused("GET  /v1/ws HTTP/1.1\r\n" GOOD END, 400);
	refused("GET\t/v1/ws HTTP/1.1\r\n" GOOD END, 400);
	refused(" GET /v1/ws HTTP/1.1\r\n" GOOD END, 400);
	refused("\r\n" RL GOOD END, 400);
	refused("GET /v1/w\xc3\xa9 HTTP/1.1\r\n" GOOD END, 400);
	refused("GET /v1/ws#frag HTTP/1.1\r\n" GOOD END, 400);
	refused("GET http://relay.example/v1/ws HTTP/1.1\r\n" GOOD END, 400);
	refused("GET * HTTP/1.1\r\n" GOOD END, 400);
	refused("GET relay.example:80 HTTP/1.1\r\n" GOOD END, 400);
	/* Host */
	refused(RL H_UPG H_CONN H_KEY H_VER END, 400);
	refused(RL "Host:\r\n" H_UPG H_CONN H_KEY H_VER END, 400);
	refused(RL GOOD H_HOST END, 400);
	refused(RL GOOD "host: other.example\r\n" END, 400);
	/* other duplicates */
	refused(RL GOOD H_KEY END, 400);
	refused(RL GOOD "Origin: https://a\r\n" "Origin: https://b\r\n" END, 400);
	refused(RL GOOD "Authorization: Bearer a\r\n" "authorization: Bearer a\r\n" END, 400);
	/* Upgrade and Connection tokens */
	refused(RL H_HOST H_CONN H_KEY H_VER END, 400);
	refused(RL H_HOST "Upgrade: websocketx\r\n" H_CONN H_KEY H_VER END, 400);
	refused(RL H_HOST "Upgrade: web socket\r\n" H_CONN H_KEY H_VER END, 400);
	refused(RL H_HOST "Upgrade: websocket/13\r\n" H_CONN H_KEY H_VER END, 400);
	refused(RL H_HOST H_UPG H_KEY H_VER END, 400);
	refused(RL H_HOST H_UPG "Connection: keep-alive\r\n" H_KEY H_VER END, 400);
	refused(RL H_HOST H_UPG "Connection: upgrade-insecure\r\n" H_KEY H_VER END, 400);
	refused(RL H_HOST H_UPG "Connection: up grade\r\n" H_KEY H_VER END, 400);
	refused(RL H_HOST "X-Upgrade: websocket\r\n" H_CONN H_KEY H_VER END, 400);
}

static void test_400_key(void **state)
{
	static const char *bad[] = {
		"",
		"dGhlIHNhbXBsZSBub25jZQ",            /* no padding */
		"dGhlIHNhbXBsZSBub25jZQ=",           /* 23 */
		"dGhlIHNhbXBsZSBub25jZQ===",         /* 25 */
		"dGhlIHNhbXBsZSBub25jZQA",           /* 24, no '=' */
		"dGhlIHNhbXBsZSBub25jZ===",          /* 15 bytes */
		"dGhlIHNhbXBsZSBub25jZQA=",          /* 17 bytes */
		"dGhlIHNhbXBsZSBub25j-Q==",          /* base64url alphabet */
		"dGhlIHNhbXBsZSBub25j_Q==",
		"dGhlIHNhbXBsZSBub2 jZQ==",
		"dGhlIHNhbXBsZSBub25jZQ==dGhlIHNhbXBsZSBub25jZQ==",
		"=GhlIHNhbXBsZSBub25jZQ==",
	};
	char head[512];
	size_t i;
	int n;
	(void)state;
	refused(RL H_HOST H_UPG H_CONN H_VER END, 400);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(head, sizeof(head), RL H_HOST H_UPG H_CONN "Sec-WebSocket-Key: %s\r\n" H_VER END, bad[i]);
		assert_true(n > 0 && (size_t)n < sizeof(head));
		refused(head, 400);
	}
	/* every base64 symbol is fine in the first 22 */
	accepted(RL H_HOST H_UPG H_CONN "Sec-WebSocket-Key: +/09azAZ+/09azAZ+/09az==\r\n" H_VER END);
}

static void test_405(void **state)
{
	(void)state;
	refused("POST /v1/ws HTTP/1.1\r\n" GOOD END, 405);
	refused("PUT /v1/ws HTTP/1.1\r\n" GOOD END, 405);
	refused("get /v1/ws HTTP/1.1\r\n" GOOD END, 405);       /* methods are case-sensitive */
	refused("GETX /v1/ws HTTP/1.1\r\n" GOOD END, 405);
	/* the method before the headers: missing ones do not turn it into 400 */
	refused("DELETE /v1/ws HTTP/1.1\r\n" END, 405);
	refused("OPTIONS /v1/ws HTTP/1.1\r\n" H_HOST "Sec-WebSocket-Version: 8\r\n" END, 405);
}

static void test_426(void **state)
{
	(void)state;
	refused(RL H_HOST H_UPG H_CONN H_KEY END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 8\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 14\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 13abc\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: +13\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version:\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 13, 8\r\n" END, 426);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 99999999999999999999\r\n" END, 426);
	refused(RL GOOD "Sec-WebSocket-Version: 13\r\n" END, 426);       /* twice */
	assert_int_equal(g_r.version, -1);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: abc\r\n" END, 426);
	assert_int_equal(g_r.version, -1);
	refused(RL H_HOST H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 8\r\n" END, 426);
	assert_int_equal(g_r.version, 8);
	/* the version is checked last: any 400 comes first */
	refused(RL H_HOST H_UPG H_CONN END, 400);
	refused(RL H_UPG H_CONN H_KEY "Sec-WebSocket-Version: 8\r\n" END, 400);
}

/* Append to a growing head; fails the test when it does not fit. */
static void add(char *b, size_t cap, size_t *o, const char *s)
{
	size_t n = strlen(s);
	assert_true(*o + n < cap);
	memcpy(b + *o, s, n + 1);
	*o += n;
}

static void test_431(void **state)
{
	static char b[WS_HS_MAX_HEAD * 2];
	char line[64];
	size_t o = 0, pad;
	int i;
	(void)state;
	/* exactly WS_HS_MAX_HEAD bytes with the final CRLF CRLF: accepted */
	add(b, sizeof(b), &o, RL GOOD "X-Pad: ");
	pad = WS_HS_MAX_HEAD - o - 4;
	memset(b + o, 'p', pad);
	o += pad;
	add(b, sizeof(b), &o, "\r\n" END);
	assert_int_equal(o, WS_HS_MAX_HEAD);
	accepted(b);
	/* one byte more: 431 */
	memmove(b + 10, b + 9, o - 9 + 1);
	b[9] = 'x';                                          /* a path one byte longer */
	refused(b, 431);
	/* an unterminated head: 0 until WS_HS_MAX_HEAD bytes, then 431 */
	memset(b, 'a', sizeof(b));
	memcpy(b, RL "X-Pad: ", strlen(RL "X-Pad: "));
	assert_int_equal(run_n(b, WS_HS_MAX_HEAD - 1), 0);
	assert_int_equal(run_n(b, WS_HS_MAX_HEAD), -1);
	assert_int_equal(g_status, 431);
	assert_int_equal(run_n(b, sizeof(b)), -1);
	assert_int_equal(g_status, 431);
	/* WS_HS_MAX_HEADERS lines: accepted; one more: 431 */
	o = 0;
	add(b, sizeof(b), &o, RL GOOD);
	for (i = 5; i < WS_HS_MAX_HEADERS; i++) {
		assert_true(snprintf(line, sizeof(line), "X-H%d: v\r\n", i) < (int)sizeof(line));
		add(b, sizeof(b), &o, line);
	}
	add(b, sizeof(b), &o, END);
	accepted(b);
	o -= 2;
	add(b, sizeof(b), &o, "X-One-More: v\r\n" END);
	refused(b, 431);
}

static void test_query(void **state)
{
	static const char q[] = "conversation_id=3f2a&ticket=a+b%2Bc%2f&empty=&flag&x%zz=1&"
	                        "call%5Fid=9&u=caf%C3%A9&eq=a=b&dup=1&dup=2&&last=end";
	char out[32];
	(void)state;
	assert_int_equal(ws_hs_query(q, strlen(q), "conversation_id", out, sizeof(out)), 4);
	assert_string_equal(out, "3f2a");
	assert_int_equal(ws_hs_query(q, strlen(q), "ticket", out, sizeof(out)), 6);
	assert_string_equal(out, "a b+c/");
	assert_int_equal(ws_hs_query(q, strlen(q), "empty", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(ws_hs_query(q, strlen(q), "flag", out, sizeof(out)), 0);
	assert_int_equal(ws_hs_query(q, strlen(q), "call_id", out, sizeof(out)), 1);   /* key decoded */
	assert_string_equal(out, "9");
	assert_int_equal(ws_hs_query(q, strlen(q), "u", out, sizeof(out)), 5);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_int_equal(ws_hs_query(q, strlen(q), "eq", out, sizeof(out)), 3);
	assert_string_equal(out, "a=b");
	assert_int_equal(ws_hs_query(q, strlen(q), "last", out, sizeof(out)), 3);
	assert_string_equal(out, "end");
	/* absent: -1, out empty; no prefix or case games */
	memcpy(out, "junk", 5);
	assert_int_equal(ws_hs_query(q, strlen(q), "since", out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(ws_hs_query(q, strlen(q), "tick", out, sizeof(out)), -1);
	assert_int_equal(ws_hs_query(q, strlen(q), "tickets", out, sizeof(out)), -1);
	assert_int_equal(ws_hs_query(q, strlen(q), "TICKET", out, sizeof(out)), -1);
	assert_int_equal(ws_hs_query(NULL, 0, "ticket", out, sizeof(out)), -1);
	assert_int_equal(ws_hs_query("", 0, "ticket", out, sizeof(out)), -1);
	/* twice: -2 */
	assert_int_equal(ws_hs_query(q, strlen(q), "dup", out, sizeof(out)), -2);
	assert_string_equal(out, "");
	assert_int_equal(ws_hs_query("a=1&%61=2", 9, "a", out, sizeof(out)), -2);
	assert_int_equal(ws_hs_query("a&a", 3, "a", out, sizeof(out)), -2);
	/* qn is honoured */
	assert_int_equal(ws_hs_query("a=12&a=3", 4, "a", out, sizeof(out)), 2);
	assert_string_equal(out, "12");
}

static void test_query_malformed(void **state)
{
	static const char *bad[] = {
		"t=%", "t=%4", "t=a%", "t=%zz", "t=%4g", "t=%g4", "t=%%41", "t=%00", "t=a%00b", "t=%2",
	};
	char out[16];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "junk", 5);
		if (ws_hs_query(bad[i], strlen(bad[i]), "t", out, sizeof(out)) != -2)
			fail_msg("%s: not -2", bad[i]);
		assert_string_equal(out, "");
	}
	/* a malformed pair under another name is not ours to judge */
	assert_int_equal(ws_hs_query("x=%zz&t=ok", 10, "t", out, sizeof(out)), 2);
	assert_int_equal(ws_hs_query("x%=1&t=ok", 9, "t", out, sizeof(out)), 2);
	/* the escape is cut by qn */
	assert_int_equal(ws_hs_query("t=%41", 4, "t", out, sizeof(out)), -2);
	/* a key with a NUL or a bad escape matches no name */
	assert_int_equal(ws_hs_query("t%00=1", 6, "t", out, sizeof(out)), -1);
	assert_int_equal(ws_hs_query("t%=1", 4, "t", out, sizeof(out)), -1);
	/* capacity: cap - 1 bytes fit, cap do not; cap 0 cannot even hold "" */
	assert_int_equal(ws_hs_query("t=abc", 5, "t", out, 4), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(ws_hs_query("t=abcd", 6, "t", out, 4), -2);
	assert_string_equal(out, "");
	assert_int_equal(ws_hs_query("t=%41%42%43", 11, "t", out, 4), 3);
	assert_string_equal(out, "ABC");
	assert_int_equal(ws_hs_query("t=", 2, "t", out, 1), 0);
	assert_int_equal(ws_hs_query("t=a", 3, "t", out, 1), -2);
	assert_int_equal(ws_hs_query("t=a", 3, "t", out, 0), -2);
	/* the second of two is malformed: still -2, and out is cleared */
	assert_int_equal(ws_hs_query("t=ok&t=%zz", 10, "t", out, sizeof(out)), -2);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_key),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_browsers),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_400),
		cmocka_unit_test(test_400_key),
		cmocka_unit_test(test_405),
		cmocka_unit_test(test_426),
		cmocka_unit_test(test_431),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_query_malformed),
	};
	return cmocka_run_group_tests_name("ws_handshake", tests, NULL, teardown);
}
