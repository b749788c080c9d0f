/* fuzz_ids.c - libFuzzer target for sc_ids_from_csv (the user_ids query
 * parameter of GET /v1/presence and other comma lists).
 *
 * The input, up to its first NUL, is the list; it is parsed with two
 * settings (min 0, max 100 and min 1, max 3). Checked against a plain
 * re-implementation: the same accept/refuse decision, and on success the
 * same ids in the same order, each a lower-case UUID, no two alike, at most
 * max items before de-duplication and at least min ids after it, and the
 * PostgreSQL literal "{id,id}" made of exactly them. A refusal names the
 * field. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_arena.h"
#include "sc_ids.h"
#include "sc_uuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the expected ids of s (lower case, first occurrence kept) into want;
 * returns their number, or -1 when s must be refused */
static int reference(const char *s, int min, int max, char (*want)[SC_UUID_STRLEN + 1])
{
	size_t items = 0, len = strlen(s), start = 0, i;
	int n = 0, k;

	if (len > 0)
		for (i = 0, items = 1; i < len; i++)
			items += s[i] == ',';
	if (items > (size_t)max)
		return -1;
	for (i = 0; items > 0 && i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (i - start != SC_UUID_STRLEN)
			return -1;
		{
			char id[SC_UUID_STRLEN + 1];
			size_t j;
			for (j = 0; j < SC_UUID_STRLEN; j++) {
				char c = s[start + j];
				int dash = j == 8 || j == 13 || j == 18 || j == 23;
				if (dash ? c != '-' : !isxdigit((unsigned char)c))
					return -1;
				id[j] = (char)tolower((unsigned char)c);
			}
			id[SC_UUID_STRLEN] = '\0';
			for (k = 0; k < n; k++)
				if (strcmp(want[k], id) == 0)
					break;
			if (k == n)
				memcpy(want[n++], id, sizeof(id));
		}
		start = i + 1;
	}
	return n < min ? -1 : n;
}

static void check(const char *s, int min, int max)
{
	static char want[101][SC_UUID_STRLEN + 1];
	char lit[101 * (SC_UUID_STRLEN + 1) + 3], *p = lit;
	sc_arena a;
	sc_ids ids;
	sc_verr e;
	int rc, expect, i;

	sc_arena_init(&a);
	memset(&ids, 0x5a, sizeof(ids));
	memset(&e, 0, sizeof(e));
	rc = sc_ids_from_csv(&a, s, "user_ids", min, max, &ids, &e);
	expect = reference(s, min, max, want);
	if (rc != 1 && rc != -1)
		abort();
	if ((rc == 1) != (expect >= 0))
		abort();
	if (rc < 0) {
		if (e.field == NULL || strcmp(e.field, "user_ids") != 0 || e.msg[0] == '\0')
			abort();
		sc_arena_cleanup(&a);
		return;
	}
	if (ids.n != expect || ids.n < min || ids.n > max)
		abort();
	*p++ = '{';
	for (i = 0; i < ids.n; i++) {
		char norm[SC_UUID_STRLEN + 1];
		if (strcmp(ids.id[i], want[i]) != 0)
			abort();
		if (!sc_uuid_parse(ids.id[i], strlen(ids.id[i]), norm) || strcmp(norm, ids.id[i]) != 0)
			abort();
		if (i > 0)
			*p++ = ',';
		memcpy(p, ids.id[i], SC_UUID_STRLEN);
		p += SC_UUID_STRLEN;
	}
	*p++ = '}';
	*p = '\0';
	if (ids.pg == NULL || strcmp(ids.pg, lit) != 0)
		abort();
	sc_arena_cleanup(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';    /* the list ends at the first NUL, as a query value does */
	check(s, 0, 100);
	check(s, 1, 3);
	free(s);
	return 0;
}
