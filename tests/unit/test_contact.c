/* test_contact.c - the contact lists' keyset pages (ties and microsecond
 * neighbours, cursors of another list, malformed cursors and limits) over a
 * statement of SQL literals against run.sh's PostgreSQL, and the self check. */
#include "t_services.h"

#include "sc_contact.h"
#include "sc_db.h"
#include "sc_page.h"

static sc_arena a;
static sc_db *db;
static sc_req req;
static sc_resp resp;

#define ME "00000000-0000-4000-8000-0000000000ff"

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	db = sc_db_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_db_free(db);
	db = NULL;
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

/* Six "users" following the list contract: three at the same instant (the
 * id breaks the tie), their neighbours one microsecond before and after, and
 * one much older. Expected order: u1 (…458), u2 u3 u4 (…457), u5 (…456), u6. */
static const char SQL_LIST[] =
    "SELECT u.user_id, u.username, u.display_name, u.avatar_url, u.status, "
    SC_SQL_CONTACT_POS("u.t") ", " SC_SQL_TS("u.t") " "
    "FROM (VALUES "
    " ('00000000-0000-4000-8000-000000000003'::uuid, 'u3', 'U 3', NULL, 'online', "
    "  timestamptz '2030-01-02 03:04:05.123457+00'), "
    " ('00000000-0000-4000-8000-000000000001'::uuid, 'u1', 'U 1', NULL, 'online', "
    "  timestamptz '2030-01-02 03:04:05.123458+00'), "
    " ('00000000-0000-4000-8000-000000000006'::uuid, 'u6', 'U 6', NULL, 'online', "
    "  timestamptz '1999-12-31 23:59:59+00'), "
    " ('00000000-0000-4000-8000-000000000002'::uuid, 'u2', 'U 2', NULL, 'online', "
    "  timestamptz '2030-01-02 03:04:05.123457+00'), "
    " ('00000000-0000-4000-8000-000000000005'::uuid, 'u5', 'U 5', NULL, 'online', "
    "  timestamptz '2030-01-02 03:04:05.123456+00'), "
    " ('00000000-0000-4000-8000-000000000004'::uuid, 'u4', 'U 4', NULL, 'online', "
    "  timestamptz '2030-01-02 03:04:05.123457+00') "
    ") u (user_id, username, display_name, avatar_url, status, t) "
    "WHERE $1::uuid IS NOT NULL AND " SC_SQL_CONTACT_AFTER("u.t", "u.user_id") " "
    "ORDER BY u.t DESC, u.user_id LIMIT $4";

static json_object *item(const PGresult *res, int row)
{
	json_object *o = sc_user_json(res, row, 0, SC_USER_PUBLIC);
	json_object_object_add(o, "at", json_object_new_string(PQgetvalue(res, row,
	    SC_CONTACT_COL_ITEM)));
	return o;
}

/* Run the list with the query string q; returns the status. */
static int list(const char *kind, const char *q)
{
	char qs[1024], uri[1100];
	snprintf(qs, sizeof(qs), "QUERY_STRING=%s", q);
	snprintf(uri, sizeof(uri), "REQUEST_URI=/v1/list?%s", q);
	sc_req_init(&req, &a, (char *[]){ "REQUEST_METHOD=GET", uri, qs, NULL });
	sc_resp_init(&resp, &a);
	req.db = db;
	snprintf(req.user.user_id, sizeof(req.user.user_id), "%s", ME);
	sc_contact_list(&req, &resp, kind, SQL_LIST, "items", item);
	return resp.status;
}

static const char *jstr(const char *key)
{
	json_object *v;
	assert_non_null(resp.data);
	assert_true(json_object_object_get_ex(resp.data, key, &v));
	return json_object_get_string(v);
}

/* The usernames of the page, concatenated ("u1u2"). */
static const char *names(void)
{
	static char buf[64];
	json_object *items, *v;
	size_t i;
	buf[0] = '\0';
	assert_true(json_object_object_get_ex(resp.data, "items", &items));
	for (i = 0; i < json_object_array_length(items); i++) {
		json_object_object_get_ex(json_object_array_get_idx(items, i), "username", &v);
		strncat(buf, json_object_get_string(v), sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static void test_pages_ties_and_neighbours(void **state)
{
	char q[700], got[64] = "";
	const char *want[] = { "u1u2", "u3u4", "u5u6" };
	int page;
	(void)state;

	snprintf(q, sizeof(q), "limit=2");
	for (page = 0; page < 3; page++) {
		assert_int_equal(list("t.list", q), 200);
		assert_string_equal(names(), want[page]);
		strncat(got, names(), sizeof(got) - strlen(got) - 1);
		if (page < 2) {
			assert_string_equal(jstr("has_more"), "true");
			snprintf(q, sizeof(q), "limit=2&cursor=%s", jstr("next_cursor"));
		}
	}
	assert_string_equal(jstr("has_more"), "false");
	assert_string_equal(jstr("next_cursor"), "");
	assert_string_equal(got, "u1u2u3u4u5u6");

	/* the item's own columns follow the position */
	assert_int_equal(list("t.list", "limit=1"), 200);
	{
		json_object *items, *v;
		json_object_object_get_ex(resp.data, "items", &items);
		json_object_object_get_ex(json_object_array_get_idx(items, 0), "at", &v);
		assert_string_equal(json_object_get_string(v), "2030-01-02T03:04:05.123Z");
	}
	/* a page of exactly the rest has no more */
	assert_int_equal(list("t.list", "limit=6"), 200);
	assert_string_equal(names(), "u1u2u3u4u5u6");
	assert_string_equal(jstr("has_more"), "false");
	assert_int_equal(list("t.list", "limit=1000"), 200);
	assert_string_equal(jstr("has_more"), "false");
	assert_int_equal(list("t.list", ""), 200);
	assert_string_equal(names(), "u1u2u3u4u5u6");
}

static void test_bad_limits_and_cursors(void **state)
{
	char q[700], cur[600];
	(void)state;

	assert_int_equal(list("t.list", "limit=0"), 400);
	assert_string_equal(resp.err_field, "limit");
	assert_int_equal(list("t.list", "limit=x"), 400);
	assert_int_equal(list("t.list", "cursor=%21%21"), 400);
	assert_string_equal(resp.err_field, "cursor");

	/* a cursor of another list */
	assert_int_equal(list("t.list", "limit=1"), 200);
	snprintf(cur, sizeof(cur), "%s", jstr("next_cursor"));
	snprintf(q, sizeof(q), "cursor=%s", cur);
	assert_int_equal(list("t.other", q), 400);
	assert_string_equal(resp.err_field, "cursor");
	assert_int_equal(list("t.list", q), 200);

	/* well-formed cursors with fields that cannot be ours */
	{
		const char *bad[][2] = {
			{ "x", "00000000-0000-4000-8000-000000000001" },
			{ "-1", "00000000-0000-4000-8000-000000000001" },
			{ "9007199254740993", "00000000-0000-4000-8000-000000000001" },
			{ "1893553445123457", "not-a-uuid" },
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *c = sc_page_cursor_encode(&a, "t.list", 2, bad[i]);
			assert_non_null(c);
			snprintf(q, sizeof(q), "cursor=%s", c);
			assert_int_equal(list("t.list", q), 400);
			assert_string_equal(resp.err_field, "cursor");
		}
	}
}

static void test_not_self(void **state)
{
	(void)state;
	sc_req_init(&req, &a, (char *[]){ "REQUEST_METHOD=POST", "REQUEST_URI=/x", NULL });
	snprintf(req.user.user_id, sizeof(req.user.user_id), "%s", ME);
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_contact_not_self(&req, &resp, "00000000-0000-4000-8000-000000000001",
	    "cannot"), 0);
	assert_int_equal(resp.status, 500);   /* untouched */
	assert_int_equal(sc_contact_not_self(&req, &resp, NULL, "cannot"), 0);
	assert_int_equal(sc_contact_not_self(&req, &resp, ME, "cannot block yourself"), -1);
	assert_int_equal(resp.status, 400);
	assert_string_equal(resp.err_field, "id");
	assert_string_equal(resp.err_msg, "id: cannot block yourself");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pages_ties_and_neighbours),
		T(test_bad_limits_and_cursors),
		T(test_not_self),
	};
	return cmocka_run_group_tests_name("sc_contact", tests, NULL, NULL);
}
