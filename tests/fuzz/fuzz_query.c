/* fuzz_query.c - libFuzzer target for sc_url_decode and sc_url_query_parse.
 *
 * Checked: decoding never writes more than n+1 bytes (exact-size buffers),
 * returns -1 or a length <= n with a NUL at out[len] and valid UTF-8 before
 * it; a parsed query has at most SC_LIMIT_QUERY_PARAMS pairs whose keys are
 * found again by sc_url_query_get. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_buf.h"
#include "sc_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decode(const char *s, size_t n, int plus)
{
	char *out = malloc(n + 1);
	long r = sc_url_decode(s, n, plus, out);
	if (r < -1 || r > (long)n)
		abort();
	if (r >= 0) {
		if (out[r] != '\0')
			abort();
		if (!sc_utf8_valid(out, (size_t)r))
			abort();
		/* %00 is refused, so only a raw NUL in the input can end up inside */
		if (memchr(s, '\0', n) == NULL && strlen(out) != (size_t)r)
			abort();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size ? size : 1), *qs = malloc(size + 1);
	sc_query q;
	sc_arena a;
	size_t i;

	if (size)
		memcpy(raw, data, size);
	check_decode(raw, size, 0);
	check_decode(raw, size, 1);

	memcpy(qs, data, size);
	qs[size] = '\0';
	sc_arena_init(&a);
	memset(&q, 0x5a, sizeof(q));
	if (sc_url_query_parse(&a, qs, &q) == 0) {
		if (q.count > SC_LIMIT_QUERY_PARAMS)
			abort();
		for (i = 0; i < q.count; i++) {
			if (q.keys[i] == NULL || q.values[i] == NULL)
				abort();
			if (sc_url_query_get(&q, q.keys[i]) == NULL)
				abort();
			(void)strlen(q.values[i]);
		}
	} else if (strlen(qs) == 0) {
		abort();   /* an empty query string is always fine */
	}
	sc_arena_cleanup(&a);
	free(qs);
	free(raw);
	return 0;
}
