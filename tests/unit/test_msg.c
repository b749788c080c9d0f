/* test_msg.c - the message object from a real PGresult (SQL literals against
 * run.sh's PostgreSQL), its size bound, the content rule and the list
 * position (page_state / cursor). */
#include "t_services.h"

#include "sc_db.h"
#include "sc_msg.h"
#include "sc_page.h"

static sc_arena a;
static sc_db *db;

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

/* two messages: a live one with everything set, and a tombstone */
#define MSG_ROWS \
	"(VALUES " \
	"('01890a5d-ac96-774b-bcce-b302099a8057'::uuid, '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'::uuid, " \
	"  '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'::uuid, E'hi \"there\"\\n/\\\\'::text, true, 'image'::text, " \
	"  '{\"w\": 1, \"a/b\": [\"x\\u0001\"]}'::jsonb, '01890a5d-ac96-774b-bcce-b302099a8000'::uuid, " \
	"  '{11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222}'::uuid[], " \
	"  '2023-07-01 12:00:00.123+00'::timestamptz, '2023-07-01 12:05:00+02'::timestamptz, " \
	"  NULL::timestamptz), " \
	"('01890a5d-ac96-774b-bcce-b302099a8058'::uuid, '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'::uuid, " \
	"  '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'::uuid, '', false, 'text', '{}', NULL, '{}', " \
	"  '2023-07-01 12:00:01+00', NULL, '2023-07-02 00:00:00+00')) " \
	"AS m(message_id, conversation_id, sender_id, content, is_encrypted, message_type, metadata, " \
	"  reply_to_message_id, file_ids, sent_at, edited_at, deleted_at)"

static PGresult *query(const char *sql)
{
	PGresult *res = NULL;
	sc_db_err err;
	if (sc_db_exec(db, &a, sql, 0, NULL, 0, &res, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
	return res;
}

static void test_msg_json(void **state)
{
	PGresult *res;
	json_object *o;
	const char *s;
	size_t len;
	(void)state;
	res = query("SELECT 'x', " SC_MSG_COLS " FROM " MSG_ROWS " ORDER BY m.message_id");
	assert_int_equal(PQnfields(res), 1 + SC_MSG_NCOLS);
	o = sc_msg_json(res, 0, 1);
	s = sc_json_dump(o, &len);
	assert_string_equal(s,
	    "{\"message_id\":\"01890a5d-ac96-774b-bcce-b302099a8057\","
	    "\"conversation_id\":\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\","
	    "\"sender_id\":\"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3\","
	    "\"content\":\"hi \\\"there\\\"\\n/\\\\\",\"is_encrypted\":true,\"message_type\":\"image\","
	    "\"metadata\":{\"w\":1,\"a/b\":[\"x\\u0001\"]},"
	    "\"reply_to_message_id\":\"01890a5d-ac96-774b-bcce-b302099a8000\","
	    "\"file_ids\":[\"11111111-1111-4111-8111-111111111111\",\"22222222-2222-4222-8222-222222222222\"],"
	    "\"sent_at\":\"2023-07-01T12:00:00.123Z\",\"edited_at\":\"2023-07-01T10:05:00.000Z\","
	    "\"deleted\":false}");
	/* the bound holds */
	assert_true(sc_msg_json_size(res, 0, 1) >= len);
	json_object_put(o);

	o = sc_msg_json(res, 1, 1);
	s = sc_json_dump(o, &len);
	assert_string_equal(s,
	    "{\"message_id\":\"01890a5d-ac96-774b-bcce-b302099a8058\","
	    "\"conversation_id\":\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\","
	    "\"sender_id\":\"0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3\","
	    "\"sent_at\":\"2023-07-01T12:00:01.000Z\",\"deleted\":true,"
	    "\"deleted_at\":\"2023-07-02T00:00:00.000Z\"}");
	assert_true(sc_msg_json_size(res, 1, 1) >= len);
	json_object_put(o);
}

/* the worst case of escaping: 65536 control bytes in content */
static void test_msg_json_size_bound(void **state)
{
	PGresult *res;
	json_object *o;
	size_t len;
	(void)state;
	res = query("SELECT " SC_MSG_COLS " FROM (SELECT m.message_id, m.conversation_id, m.sender_id, "
	    "repeat(chr(1) || '\"/', 21845) || 'x' AS content, m.is_encrypted, m.message_type, "
	    "m.metadata, m.reply_to_message_id, m.file_ids, m.sent_at, m.edited_at, NULL::timestamptz "
	    "AS deleted_at FROM " MSG_ROWS " WHERE m.deleted_at IS NULL) m");
	assert_int_equal(PQgetlength(res, 0, 3), 65536);
	o = sc_msg_json(res, 0, 0);
	sc_json_dump(o, &len);
	assert_true(len > 3 * 65536);
	assert_true(sc_msg_json_size(res, 0, 0) >= len);
	/* and not absurdly above it */
	assert_true(sc_msg_json_size(res, 0, 0) < len + 4096);
	json_object_put(o);
}

static int content(const char *body, const char **out, size_t *len, sc_resp *r)
{
	json_object *o = json_tokener_parse(body);
	int rc;
	assert_non_null(o);
	sc_resp_init(r, &a);
	rc = sc_msg_content(o, r, out, len);
	if (rc == 0)
		*out = sc_arena_strdup(&a, *out);
	json_object_put(o);
	return rc;
}

static void test_msg_content(void **state)
{
	static char big[SC_MSG_CONTENT_MAX + 32];
	const char *s;
	size_t n;
	sc_resp r;
	(void)state;
	assert_int_equal(content("{\"content\":\"h\\u00e9\"}", &s, &n, &r), 0);
	assert_string_equal(s, "h\xc3\xa9");
	assert_int_equal(n, 3);
	static const char *bad[] = {
		"{}", "{\"content\":null}", "{\"content\":\"\"}", "{\"content\":1}",
		"{\"content\":[\"x\"]}", "{\"content\":{}}", "{\"content\":true}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (content(bad[i], &s, &n, &r) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(r.status, 400);
		assert_string_equal(r.err_field, "content");
	}
	/* bytes, not characters: 65536 bytes fit, 65537 are 413 */
	memcpy(big, "{\"content\":\"", 12);
	memset(big + 12, 'a', SC_MSG_CONTENT_MAX);
	memcpy(big + 12 + SC_MSG_CONTENT_MAX, "\"}", 3);
	assert_int_equal(content(big, &s, &n, &r), 0);
	assert_int_equal(n, SC_MSG_CONTENT_MAX);
	memcpy(big + 12 + SC_MSG_CONTENT_MAX - 1, "\xc3\xa9\"}", 5);
	assert_int_equal(content(big, &s, &n, &r), -1);
	assert_int_equal(r.status, 413);
	assert_string_equal(r.err_code, "PAYLOAD_TOO_LARGE");
	assert_string_equal(r.err_field, "content");
}

static int after(const char *qs, const char **id, sc_verr *e)
{
	sc_req req;
	char *env[3];
	env[0] = "REQUEST_URI=/v1/messages";
	env[1] = sc_arena_printf(&a, "QUERY_STRING=%s", qs);
	env[2] = NULL;
	sc_req_init(&req, &a, env);
	assert_int_equal(req.query_ok, 1);
	return sc_msg_page_after(&req, id, e);
}

static void test_msg_page_after(void **state)
{
	const char *id, *f[2];
	const char *uuid = "01890A5D-AC96-774B-BCCE-B302099A8057";
	char *cur, *other, *two;
	sc_verr e;
	(void)state;
	f[0] = uuid;
	cur = sc_page_cursor_encode(&a, SC_MSG_CURSOR_KIND, 1, f);
	assert_non_null(cur);
	assert_int_equal(after("conversation_id=x", &id, &e), 0);
	assert_null(id);
	assert_int_equal(after("page_state=&cursor=", &id, &e), 0);
	assert_int_equal(after(sc_arena_printf(&a, "page_state=%s", cur), &id, &e), 1);
	assert_string_equal(id, "01890a5d-ac96-774b-bcce-b302099a8057");
	assert_int_equal(after(sc_arena_printf(&a, "cursor=%s", cur), &id, &e), 1);
	assert_string_equal(id, "01890a5d-ac96-774b-bcce-b302099a8057");
	assert_int_equal(after(sc_arena_printf(&a, "cursor=%s&page_state=%s", cur, cur), &id, &e), 1);
	/* two different positions */
	f[0] = "01890a5d-ac96-774b-bcce-b302099a8000";
	other = sc_page_cursor_encode(&a, SC_MSG_CURSOR_KIND, 1, f);
	assert_int_equal(after(sc_arena_printf(&a, "cursor=%s&page_state=%s", cur, other), &id, &e), -1);
	assert_string_equal(e.field, "page_state");
	/* malformed: named after the parameter given */
	assert_int_equal(after("page_state=!!", &id, &e), -1);
	assert_string_equal(e.field, "page_state");
	assert_int_equal(after("cursor=!!", &id, &e), -1);
	assert_string_equal(e.field, "cursor");
	/* another list's cursor, two fields, a field that is not a UUID */
	f[0] = "0.5";
	f[1] = uuid;
	two = sc_page_cursor_encode(&a, "users.search", 2, f);
	assert_int_equal(after(sc_arena_printf(&a, "cursor=%s", two), &id, &e), -1);
	two = sc_page_cursor_encode(&a, SC_MSG_CURSOR_KIND, 2, f);
	assert_int_equal(after(sc_arena_printf(&a, "cursor=%s", two), &id, &e), -1);
	f[0] = "not-a-uuid";
	two = sc_page_cursor_encode(&a, SC_MSG_CURSOR_KIND, 1, f);
	assert_int_equal(after(sc_arena_printf(&a, "page_state=%s", two), &id, &e), -1);
	assert_string_equal(e.field, "page_state");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_msg_json),
		T(test_msg_json_size_bound),
		T(test_msg_content),
		T(test_msg_page_after),
	};
	return cmocka_run_group_tests_name("sc_msg", tests, NULL, NULL);
}
