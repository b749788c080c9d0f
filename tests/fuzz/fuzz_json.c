/* fuzz_json.c - libFuzzer target for the strict JSON validator and parser.
 *
 * Invariants checked (each follows from sc_json.h and docs/decisions.md):
 *  - sc_json_parse_object() succeeds only on input sc_json_validate() accepts,
 *    and then *out is a JSON object; on failure *out is NULL and *why is set.
 *  - input the validator accepts whose value is an object (first non-blank
 *    byte '{') is accepted by sc_json_parse_object(): a body that is strict
 *    RFC 8259 with an object on top must not be refused by the parser.
 * Everything parse_object registered on the arena is released by cleanup
 * (LeakSanitizer checks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so ASan sees any read past the end */
	char *buf = malloc(size ? size : 1);
	const char *why_v = NULL, *why_p = NULL;
	json_object *obj = (json_object *)&obj;
	sc_arena a;
	size_t i = 0;
	int v, p;

	if (size)
		memcpy(buf, data, size);
	v = sc_json_validate(buf, size, &why_v);
	if (v != 0 && v != -1)
		abort();
	if (v < 0 && (why_v == NULL || why_v[0] == '\0'))
		abort();

	sc_arena_init(&a);
	p = sc_json_parse_object(&a, buf, size, &obj, &why_p);
	if (p == 0) {
		if (v != 0)
			abort();
		if (obj == NULL || !json_object_is_type(obj, json_type_object))
			abort();
	} else {
		if (p != -1 || obj != NULL || why_p == NULL)
			abort();
	}
	while (i < size && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (v == 0 && i < size && buf[i] == '{' && p != 0) {
		fprintf(stderr, "validator accepted an object the parser refused: %s\n", why_p);
		abort();
	}
	sc_arena_cleanup(&a);
	free(buf);
	return 0;
}
