/* fuzz_route.c - libFuzzer target for sc_route_match.
 *
 * The input is split at its first NUL or newline byte: before it the pattern,
 * after it the path (which may contain any bytes; its length is passed). The
 * matcher must not crash or read out of bounds, and a match yields at most
 * SC_LIMIT_ROUTE_PARAMS parameters, each a NUL-terminated value that
 * sc_route_param() finds again by name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_route.h"
#include "sc_uuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut = 0, plen, i;
	char *pattern, *path;
	sc_route_params p;
	sc_arena a;

	while (cut < size && data[cut] != '\0' && data[cut] != '\n')
		cut++;
	pattern = malloc(cut + 1);
	memcpy(pattern, data, cut);
	pattern[cut] = '\0';
	plen = cut < size ? size - cut - 1 : 0;
	path = malloc(plen ? plen : 1);       /* exact size: not NUL-terminated */
	if (plen)
		memcpy(path, data + cut + 1, plen);

	sc_arena_init(&a);
	memset(&p, 0xa5, sizeof(p));
	if (sc_route_match(&a, pattern, path, plen, &p)) {
		if (p.count > SC_LIMIT_ROUTE_PARAMS)
			abort();
		for (i = 0; i < p.count; i++) {
			char name[64];
			const char *v = p.values[i];
			if (v == NULL || p.names[i] == NULL)
				abort();
			(void)strlen(v);
			if (p.name_lens[i] < sizeof(name)) {
				memcpy(name, p.names[i], p.name_lens[i]);
				name[p.name_lens[i]] = '\0';
				if (sc_route_param(&p, name) == NULL)
					abort();
				/* id parameters are stored as lower-case UUIDs */
				if ((p.name_lens[i] == 2 && memcmp(name, "id", 2) == 0)) {
					char lower[SC_UUID_STRLEN + 1];
					if (!sc_uuid_parse(v, strlen(v), lower) || strcmp(lower, v) != 0)
						abort();
				}
			}
		}
	}
	sc_arena_cleanup(&a);
	free(path);
	free(pattern);
	return 0;
}
