/* fuzz_ws_handshake.c - libFuzzer target for ws_handshake.c and ws_hs_query.c.
 *
 * The input is the bytes a client sent before the upgrade (an exact-size
 * copy, not NUL-terminated). ws_hs_parse must not read out of bounds; a
 * refusal is 400/405/426/431 with a reason (and only a refusal writes them);
 * "incomplete" happens only below WS_HS_MAX_HEAD. An accepted head ends in
 * CRLF CRLF, every result span lies inside it, the checked fields hold what
 * the header promises, shorter prefixes are incomplete, and ws_hs_accept and
 * ws_hs_query work on what it returned. ws_hs_query also runs on the raw
 * input as a query string, since accepted heads are rare among mutations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws_handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void span_in(ws_span s, const char *b, size_t n, int required)
{
	if (s.p == NULL) {
		if (required || s.n != 0)
			abort();
		return;
	}
	if (s.p < b || s.p > b + n || s.n > (size_t)(b + n - s.p))
		abort();
}

static void query_checks(const char *q, size_t qn)
{
	static const char *names[] = { "ticket", "since", "conversation_id", "call_id", "a", "" };
	char out[64];
	size_t i, cap;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (cap = 1; cap <= sizeof(out); cap += sizeof(out) - 1) {
			int r = ws_hs_query(q, qn, names[i], out, cap);
			if (r >= 0 ? (size_t)r >= cap || strlen(out) != (size_t)r
			           : (r != -1 && r != -2) || out[0] != '\0')
				abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = malloc(size ? size : 1);
	char acc[WS_HS_ACCEPT_LEN + 1];
	const char *why = NULL;
	int status = 0, rc;
	ws_hs_req r;

	memcpy(b, data, size);
	rc = ws_hs_parse(b, size, &r, &status, &why);
	if (rc >= 0 && (status != 0 || why != NULL))
		abort();                             /* both are for refusals only */
	if (rc == 0) {
		if (size >= WS_HS_MAX_HEAD)
			abort();
	} else if (rc < 0) {
		if (rc != -1 || why == NULL || why[0] == '\0' ||
		    (status != 400 && status != 405 && status != 426 && status != 431))
			abort();
	} else {
		size_t n = (size_t)rc;
		ws_hs_req again;
		if (n > size || n > WS_HS_MAX_HEAD || n < 4 || memcmp(b + n - 4, "\r\n\r\n", 4) != 0)
			abort();
		span_in(r.method, b, n, 1);
		span_in(r.path, b, n, 1);
		span_in(r.query, b, n, 0);
		span_in(r.host, b, n, 1);
		span_in(r.key, b, n, 1);
		span_in(r.origin, b, n, 0);
		span_in(r.authorization, b, n, 0);
		span_in(r.forwarded_for, b, n, 0);
		span_in(r.protocol, b, n, 0);
		if (r.method.n != 3 || memcmp(r.method.p, "GET", 3) != 0 || r.path.n == 0 ||
		    r.path.p[0] != '/' || memchr(r.path.p, '?', r.path.n) != NULL ||
		    r.host.n == 0 || r.key.n != 24 || r.version != 13)
			abort();
		if (ws_hs_parse(b, n - 1, &again, &status, &why) != 0 ||
		    ws_hs_parse(b, n / 2, &again, &status, &why) != 0)
			abort();
		ws_hs_accept(r.key.p, r.key.n, acc);
		if (strlen(acc) != WS_HS_ACCEPT_LEN || acc[WS_HS_ACCEPT_LEN - 1] != '=')
			abort();
		if (r.query.p != NULL)
			query_checks(r.query.p, r.query.n);
	}
	query_checks(b, size);
	free(b);
	return 0;
}
