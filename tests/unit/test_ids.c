/* test_ids.c - id lists from JSON arrays and comma lists (sc_ids.h):
 * de-duplication (first occurrence kept, case-insensitive), lower case,
 * refused items, min/max, and the PostgreSQL array literal. */
#include "t_common.h"

#include "sc_arena.h"
#include "sc_ids.h"

#define A "0190a3b4-0000-7000-8000-00000000000a"
#define B "0190a3b4-0000-7000-8000-00000000000b"
#define C "0190a3b4-0000-7000-8000-00000000000c"
#define A_UP "0190A3B4-0000-7000-8000-00000000000A"

static sc_arena arena;

static int setup(void **state)
{
	(void)state;
	sc_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&arena);
	return 0;
}

/* sc_ids_from_json on the object text `json`, key "ids" */
static int from_json(const char *json, int required, int min, int max, sc_ids *out, sc_verr *e)
{
	json_object *o = json_tokener_parse(json);
	int rc;
	assert_non_null(o);
	memset(out, 0x5a, sizeof(*out));
	memset(e, 0, sizeof(*e));
	rc = sc_ids_from_json(&arena, o, "ids", required, min, max, out, e);
	/* the strings live in the arena, not in o */
	json_object_put(o);
	return rc;
}

static int from_csv(const char *s, int min, int max, sc_ids *out, sc_verr *e)
{
	memset(out, 0x5a, sizeof(*out));
	memset(e, 0, sizeof(*e));
	return sc_ids_from_csv(&arena, s, "user_ids", min, max, out, e);
}

static void test_json_dedupe_and_case(void **state)
{
	sc_ids ids;
	sc_verr e;
	(void)state;
	assert_int_equal(from_json("{\"ids\":[\"" B "\",\"" A_UP "\",\"" B "\",\"" A "\",\"" C "\"]}",
	    SC_REQUIRED, 1, 10, &ids, &e), 1);
	assert_int_equal(ids.n, 3);
	assert_string_equal(ids.id[0], B);
	assert_string_equal(ids.id[1], A);      /* lower-cased, first occurrence's place */
	assert_string_equal(ids.id[2], C);
	assert_string_equal(ids.pg, "{" B "," A "," C "}");
}

static void test_json_absent_and_null(void **state)
{
	sc_ids ids;
	sc_verr e;
	(void)state;
	/* absent and optional: 0, an empty list */
	assert_int_equal(from_json("{}", SC_OPTIONAL, 0, 10, &ids, &e), 0);
	assert_int_equal(ids.n, 0);
	assert_string_equal(ids.pg, "{}");
	assert_int_equal(from_json("{\"ids\":null}", SC_OPTIONAL, 0, 10, &ids, &e), 0);
	assert_int_equal(ids.n, 0);
	/* absent and required, or optional with a minimum */
	assert_int_equal(from_json("{}", SC_REQUIRED, 0, 10, &ids, &e), -1);
	assert_string_equal(e.field, "ids");
	assert_int_equal(from_json("{}", SC_OPTIONAL, 1, 10, &ids, &e), -1);
	assert_string_equal(e.field, "ids");
	/* present and empty: fine without a minimum */
	assert_int_equal(from_json("{\"ids\":[]}", SC_REQUIRED, 0, 10, &ids, &e), 1);
	assert_int_equal(ids.n, 0);
	assert_string_equal(ids.pg, "{}");
}

static void test_json_refused(void **state)
{
	static const char *bad[] = {
		"{\"ids\":\"" A "\"}",                       /* not an array */
		"{\"ids\":{}}",
		"{\"ids\":7}",
		"{\"ids\":[7]}",                             /* not a string */
		"{\"ids\":[null]}",
		"{\"ids\":[[\"" A "\"]]}",
		"{\"ids\":[\"" A "\",\"nope\"]}",            /* not a UUID */
		"{\"ids\":[\"" A " \"]}",
		"{\"ids\":[\"{" A "}\"]}",
		"{\"ids\":[\"0190a3b4000070008000000000000000\"]}",
		"{\"ids\":[\"\"]}",
	};
	sc_ids ids;
	sc_verr e;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(from_json(bad[i], SC_REQUIRED, 0, 10, &ids, &e), -1);
		assert_string_equal(e.field, "ids");
		assert_true(strlen(e.msg) > 0);
	}
}

static void test_json_min_max(void **state)
{
	sc_ids ids;
	sc_verr e;
	(void)state;
	/* max counts array items */
	assert_int_equal(from_json("{\"ids\":[\"" A "\",\"" B "\"]}", SC_REQUIRED, 0, 2, &ids, &e), 1);
	assert_int_equal(from_json("{\"ids\":[\"" A "\",\"" B "\",\"" C "\"]}", SC_REQUIRED, 0, 2,
	    &ids, &e), -1);
	assert_string_equal(e.field, "ids");
	/* min counts distinct ids */
	assert_int_equal(from_json("{\"ids\":[\"" A "\",\"" A_UP "\"]}", SC_REQUIRED, 2, 10, &ids, &e), -1);
	assert_string_equal(e.field, "ids");
	assert_non_null(strstr(e.msg, "2"));
	assert_int_equal(from_json("{\"ids\":[\"" A "\",\"" B "\"]}", SC_REQUIRED, 2, 10, &ids, &e), 1);
	assert_int_equal(ids.n, 2);
}

static void test_csv_ok(void **state)
{
	sc_ids ids;
	sc_verr e;
	(void)state;
	assert_int_equal(from_csv(C "," A_UP "," C "," B "," A, 1, 100, &ids, &e), 1);
	assert_int_equal(ids.n, 3);
	assert_string_equal(ids.id[0], C);
	assert_string_equal(ids.id[1], A);
	assert_string_equal(ids.id[2], B);
	assert_string_equal(ids.pg, "{" C "," A "," B "}");
	assert_int_equal(from_csv(A, 1, 1, &ids, &e), 1);
	assert_int_equal(ids.n, 1);
	assert_string_equal(ids.pg, "{" A "}");
	/* nothing at all is an empty list when no minimum is asked */
	assert_int_equal(from_csv("", 0, 100, &ids, &e), 1);
	assert_int_equal(ids.n, 0);
	assert_string_equal(ids.pg, "{}");
	assert_int_equal(from_csv(NULL, 0, 100, &ids, &e), 1);
	assert_int_equal(ids.n, 0);
}

static void test_csv_refused(void **state)
{
	static const char *bad[] = {
		",",
		A ",",                 /* empty items */
		"," A,
		A ",," B,
		A ", " B,              /* spaces are not allowed */
		" " A,
		A " ",
		A ";" B,
		"nope",
		A "," B "x",
		"0190a3b4-0000-7000-8000-00000000000",
		"{" A "}",
	};
	sc_ids ids;
	sc_verr e;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(from_csv(bad[i], 0, 100, &ids, &e), -1);
		assert_string_equal(e.field, "user_ids");
		assert_non_null(strstr(e.msg, "UUID"));
	}
}

static void test_csv_min_max(void **state)
{
	char big[101 * (36 + 1)], *p = big;
	sc_ids ids;
	sc_verr e;
	int i;
	(void)state;
	/* min: at least one id */
	assert_int_equal(from_csv("", 1, 100, &ids, &e), -1);
	assert_string_equal(e.field, "user_ids");
	assert_int_equal(from_csv(NULL, 1, 100, &ids, &e), -1);
	assert_string_equal(e.field, "user_ids");
	/* max: 100 distinct ids pass, 101 do not */
	for (i = 0; i < 101; i++)
		p += sprintf(p, "%s0190a3b4-0000-7000-8000-%012d", i ? "," : "", i);
	assert_int_equal(from_csv(big, 1, 101, &ids, &e), 1);
	assert_int_equal(ids.n, 101);
	assert_int_equal(from_csv(big, 1, 100, &ids, &e), -1);
	assert_string_equal(e.field, "user_ids");
	assert_non_null(strstr(e.msg, "100"));
	big[100 * 37 - 1] = '\0';
	assert_int_equal(from_csv(big, 1, 100, &ids, &e), 1);
	assert_int_equal(ids.n, 100);
	assert_int_equal(strlen(ids.pg), 2 + 100 * 36 + 99);
	/* max counts items as sent, before duplicates are removed */
	assert_int_equal(from_csv(A "," A "," A, 1, 2, &ids, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_dedupe_and_case),
		cmocka_unit_test(test_json_absent_and_null),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_json_min_max),
		cmocka_unit_test(test_csv_ok),
		cmocka_unit_test(test_csv_refused),
		cmocka_unit_test(test_csv_min_max),
	};
	return cmocka_run_group_tests_name("sc_ids", tests, setup, teardown);
}
