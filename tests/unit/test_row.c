/* test_row.c - PGresult cells as JSON (sc_row.h), on results made by the
 * PostgreSQL run.sh starts, so the text forms are the server's own. */
#include "t_services.h"

#include "sc_db.h"
#include "sc_row.h"

static sc_arena a;
static sc_db *db;
static PGresult *res;

/* one row: each column is named in the comment of its index below */
static const char SQL_ROW[] =
    "SELECT NULL::text, 'h\xc3\xa9llo \"q\"'::text, ''::text, "            /* 0 1 2 */
    "  true, false, NULL::boolean, "                                     /* 3 4 5 */
    "  42::int, (-9007199254740993)::bigint, NULL::int, "                /* 6 7 8 */
    "  '{\"a\":[1,2,{\"b\":null}],\"s\":\"x\"}'::jsonb, NULL::jsonb, "  /* 9 10 */
    "  '[]'::json, 'not json'::text, "                                   /* 11 12 */
    "  '{}'::uuid[], ARRAY['0190A3B4-0000-7000-8000-00000000000A', "
    "    '0190a3b4-0000-7000-8000-00000000000b']::uuid[], NULL::uuid[], " /* 13 14 15 */
    "  ARRAY['0190a3b4-0000-7000-8000-00000000000c']::uuid[], "          /* 16 */
    "  ARRAY[NULL, '0190a3b4-0000-7000-8000-00000000000d', NULL]::uuid[]"; /* 17 */

static int setup(void **state)
{
	sc_db_err err;
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	db = sc_db_new();
	if (sc_db_exec(db, &a, SQL_ROW, 0, NULL, 0, &res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(PQntuples(res), 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&a);
	sc_db_free(db);
	t_env_clear();
	return 0;
}

/* the JSON text of v (NULL -> "null"), then v released */
static void expect_json(json_object *v, const char *want)
{
	const char *got = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (v == NULL)
		got = "null";
	assert_string_equal(got, want);
	json_object_put(v);
}

static void test_null_cells(void **state)
{
	(void)state;
	assert_null(sc_row_text(res, 0, 0));
	assert_null(sc_row_bool(res, 0, 5));
	assert_null(sc_row_int(res, 0, 8));
	assert_null(sc_row_json(res, 0, 10));
}

static void test_text(void **state)
{
	json_object *v;
	(void)state;
	v = sc_row_text(res, 0, 1);
	assert_true(json_object_is_type(v, json_type_string));
	assert_string_equal(json_object_get_string(v), "h\xc3\xa9llo \"q\"");
	json_object_put(v);
	expect_json(sc_row_text(res, 0, 2), "\"\"");   /* empty, not null */
}

static void test_bool(void **state)
{
	(void)state;
	expect_json(sc_row_bool(res, 0, 3), "true");
	expect_json(sc_row_bool(res, 0, 4), "false");
	assert_int_equal(sc_row_is_true(res, 0, 3), 1);
	assert_int_equal(sc_row_is_true(res, 0, 4), 0);
	assert_int_equal(sc_row_is_true(res, 0, 5), 0);   /* NULL is not true */
}

static void test_int(void **state)
{
	json_object *v;
	(void)state;
	v = sc_row_int(res, 0, 6);
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 42);
	json_object_put(v);
	v = sc_row_int(res, 0, 7);
	assert_true(json_object_get_int64(v) == -9007199254740993LL);   /* all 64 bits kept */
	json_object_put(v);
}

static void test_json(void **state)
{
	(void)state;
	expect_json(sc_row_json(res, 0, 9), "{\"a\":[1,2,{\"b\":null}],\"s\":\"x\"}");
	expect_json(sc_row_json(res, 0, 11), "[]");
	assert_null(sc_row_json(res, 0, 12));   /* text that is not JSON: null */
}

static void test_uuid_array(void **state)
{
	(void)state;
	expect_json(sc_row_uuid_array(res, 0, 13), "[]");
	/* PostgreSQL writes uuids in lower case */
	expect_json(sc_row_uuid_array(res, 0, 14),
	    "[\"0190a3b4-0000-7000-8000-00000000000a\",\"0190a3b4-0000-7000-8000-00000000000b\"]");
	expect_json(sc_row_uuid_array(res, 0, 15), "[]");   /* NULL: an empty array */
	expect_json(sc_row_uuid_array(res, 0, 16), "[\"0190a3b4-0000-7000-8000-00000000000c\"]");
	/* NULL elements (an array_agg over an outer join) are null, not "NULL" */
	expect_json(sc_row_uuid_array(res, 0, 17), "[null,\"0190a3b4-0000-7000-8000-00000000000d\",null]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_cells),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_uuid_array),
	};
	return cmocka_run_group_tests_name("sc_row", tests, setup, teardown);
}
