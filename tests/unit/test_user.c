/* test_user.c - e-mail and username rules, status values, and the user JSON
 * built from a real PGresult (SQL literals against run.sh's PostgreSQL). */
#include "t_services.h"

#include "sc_db.h"
#include "sc_user.h"

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

/* ---- e-mail ---- */

static void email_ok(const char *in, const char *want)
{
	char out[512];
	memset(out, 0x7f, sizeof(out));
	if (sc_user_email_normalize(in, strlen(in), out) != 0)
		fail_msg("refused: \"%s\"", in);
	assert_string_equal(out, want);
}

static void email_bad(const char *in, size_t n)
{
	char out[600];
	if (sc_user_email_normalize(in, n, out) != -1)
		fail_msg("accepted: \"%.*s\"", (int)n, in);
}
#define EMAIL_BAD(s) email_bad(s, sizeof(s) - 1)

static void test_email_accepts_and_normalizes(void **state)
{
	(void)state;
	email_ok("alice@example.com", "alice@example.com");
	email_ok("Alice@Example.COM", "alice@example.com");
	email_ok("  bob@example.org\t ", "bob@example.org");
	email_ok("\tBOB+tag@sub.example.co.uk", "bob+tag@sub.example.co.uk");
	email_ok("a@b.c", "a@b.c");
	email_ok("first.last_x-y@ex-ample.io", "first.last_x-y@ex-ample.io");
	/* non-ASCII bytes are kept as they are (not lower-cased) */
	email_ok("J\xc3\x9cRGEN@example.de", "j\xc3\x9crgen@example.de");
}

static void test_email_rejects(void **state)
{
	(void)state;
	EMAIL_BAD("");
	EMAIL_BAD("   ");
	EMAIL_BAD("alice");
	EMAIL_BAD("alice@");
	EMAIL_BAD("@example.com");
	EMAIL_BAD("alice@example");
	EMAIL_BAD("alice@.example.com");
	EMAIL_BAD("alice@example.com.");
	EMAIL_BAD("alice@example..com");
	EMAIL_BAD("alice@@example.com");
	EMAIL_BAD("al@ice@example.com");
	EMAIL_BAD("al ice@example.com");
	EMAIL_BAD("alice@exa mple.com");
	EMAIL_BAD("alice\t@example.com");
	EMAIL_BAD("alice\n@example.com");
	EMAIL_BAD("alice@example.com\r\nBcc: x@y.z");
	EMAIL_BAD("alice\x7f@example.com");
	EMAIL_BAD("alice\x01@example.com");
	EMAIL_BAD("alice\0@example.com");
	EMAIL_BAD("<alice@example.com>");
	EMAIL_BAD("\"alice\"@example.com");
	EMAIL_BAD("alice,bob@example.com");
	EMAIL_BAD("alice;bob@example.com");
	EMAIL_BAD("alice(x)@example.com");
	EMAIL_BAD("alice@[127.0.0.1]");
	EMAIL_BAD("ali\\ce@example.com");
}

static void test_email_length(void **state)
{
	char in[300], out[301];
	size_t local;
	(void)state;
	/* exactly 254 bytes is fine, 255 is not */
	local = 254 - strlen("@example.com");
	memset(in, 'a', local);
	strcpy(in + local, "@example.com");
	assert_int_equal(strlen(in), 254);
	assert_int_equal(sc_user_email_normalize(in, 254, out), 0);
	assert_int_equal(strlen(out), 254);
	memset(in, 'a', local + 1);
	strcpy(in + local + 1, "@example.com");
	assert_int_equal(sc_user_email_normalize(in, 255, out), -1);
	/* surrounding blanks do not count towards the limit */
	in[0] = ' ';
	memset(in + 1, 'a', local);
	strcpy(in + 1 + local, "@example.com ");
	assert_int_equal(sc_user_email_normalize(in, strlen(in), out), 0);
	assert_int_equal(strlen(out), 254);
	/* n is honoured: bytes past it are not read */
	assert_int_equal(sc_user_email_normalize("a@b.cXX", 5, out), 0);
	assert_string_equal(out, "a@b.c");
}

/* ---- username, status ---- */

static void test_username_rules(void **state)
{
	static const char *const ok[] = { "abc", "Alice_1", "a.b.c", "___", "x9.y_Z",
		"abcdefghijklmnopqrstuvwxyz0123" };
	static const char *const bad[] = { "ab", "", "abcdefghijklmnopqrstuvwxyz01234",
		"al ice", "alice!", "alice-x", "al@ce", "\xc3\xa9l\xc3\xa9", "ali/ce", "a\tb" };
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!sc_user_username_valid(ok[i], strlen(ok[i])))
			fail_msg("refused: %s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sc_user_username_valid(bad[i], strlen(bad[i])))
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(sc_user_username_valid("ab\0cd", 5), 0);
	/* n is what counts */
	assert_int_equal(sc_user_username_valid("abc!!", 3), 1);
	assert_int_equal(sc_user_username_valid("abcdef", 2), 0);
}

static void test_status_values(void **state)
{
	static const char *const ok[] = { "online", "away", "busy", "offline" };
	static const char *const bad[] = { "", "Online", "ONLINE", "invisible", "online ",
		" away", "busyy", "off", "dnd" };
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(sc_user_status_valid(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sc_user_status_valid(bad[i]))
			fail_msg("accepted: %s", bad[i]);
}

/* ---- JSON from a PGresult ---- */

#define USER_ROWS \
	"(VALUES " \
	"('6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'::uuid, 'alice@example.com'::text, 'alice'::text, " \
	"  'Alice \"A\" <Liddell>'::text, 'https://cdn.example.com/a.png'::text, 'online'::text, " \
	"  'admin'::text, true, false, true, false, " \
	"  '2024-01-02 04:04:05.678+01'::timestamptz, '2024-06-30 23:59:59.999-02'::timestamptz), " \
	"('0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3'::uuid, 'bob@example.com', 'bob', " \
	"  NULL, NULL, 'away', 'user', false, true, false, true, " \
	"  '2023-12-31 23:00:00+00'::timestamptz, '2024-01-01 00:00:00+00'::timestamptz)) " \
	"AS u(user_id, email, username, display_name, avatar_url, status, role, " \
	"  email_verified, two_factor_enabled, searchable, read_receipts, created_at, updated_at)"

static PGresult *query(const char *sql)
{
	PGresult *res = NULL;
	sc_db_err err;
	if (sc_db_exec(db, &a, sql, 0, NULL, 0, &res, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
	return res;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no key %s", k);
	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int jbool(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no key %s", k);
	assert_true(json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

static void jnull(json_object *o, const char *k)
{
	json_object *v = (json_object *)&v;
	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no key %s", k);
	assert_null(v);
}

static void test_user_json_self(void **state)
{
	PGresult *res;
	json_object *o;
	(void)state;
	res = query("SELECT 'before', " SC_USER_SELF_COLS " FROM " USER_ROWS " ORDER BY u.username");
	assert_int_equal(PQnfields(res), 1 + SC_USER_SELF_NCOLS);
	assert_int_equal(PQntuples(res), 2);
	o = sc_user_json(res, 0, 1, SC_USER_SELF);
	assert_int_equal(json_object_object_length(o), 13);
	assert_string_equal(jstr(o, "user_id"), "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
	assert_string_equal(jstr(o, "email"), "alice@example.com");
	assert_string_equal(jstr(o, "username"), "alice");
	assert_string_equal(jstr(o, "display_name"), "Alice \"A\" <Liddell>");
	assert_string_equal(jstr(o, "avatar_url"), "https://cdn.example.com/a.png");
	assert_string_equal(jstr(o, "status"), "online");
	assert_string_equal(jstr(o, "role"), "admin");
	assert_int_equal(jbool(o, "email_verified"), 1);
	assert_int_equal(jbool(o, "two_factor_enabled"), 0);
	assert_int_equal(jbool(o, "searchable"), 1);
	assert_int_equal(jbool(o, "read_receipts"), 0);
	/* RFC 3339 UTC with milliseconds, whatever the input offset */
	assert_string_equal(jstr(o, "created_at"), "2024-01-02T03:04:05.678Z");
	assert_string_equal(jstr(o, "updated_at"), "2024-07-01T01:59:59.999Z");
	json_object_put(o);

	o = sc_user_json(res, 1, 1, SC_USER_SELF);
	assert_string_equal(jstr(o, "username"), "bob");
	jnull(o, "display_name");
	jnull(o, "avatar_url");
	assert_int_equal(jbool(o, "email_verified"), 0);
	assert_int_equal(jbool(o, "two_factor_enabled"), 1);
	assert_int_equal(jbool(o, "searchable"), 0);
	assert_int_equal(jbool(o, "read_receipts"), 1);
	assert_string_equal(jstr(o, "created_at"), "2023-12-31T23:00:00.000Z");
	assert_string_equal(jstr(o, "updated_at"), "2024-01-01T00:00:00.000Z");
	/* serialized, a NULL column is JSON null */
	assert_non_null(strstr(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "\"display_name\":null"));
	json_object_put(o);
}

static void test_user_json_public(void **state)
{
	PGresult *res;
	json_object *o, *v;
	(void)state;
	res = query("SELECT " SC_USER_PUBLIC_COLS " FROM " USER_ROWS " ORDER BY u.username");
	assert_int_equal(PQnfields(res), SC_USER_PUBLIC_NCOLS);
	o = sc_user_json(res, 0, 0, SC_USER_PUBLIC);
	assert_int_equal(json_object_object_length(o), 5);
	assert_string_equal(jstr(o, "user_id"), "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
	assert_string_equal(jstr(o, "username"), "alice");
	assert_string_equal(jstr(o, "display_name"), "Alice \"A\" <Liddell>");
	assert_string_equal(jstr(o, "avatar_url"), "https://cdn.example.com/a.png");
	assert_string_equal(jstr(o, "status"), "online");
	/* nothing private in the public view */
	assert_false(json_object_object_get_ex(o, "email", &v));
	assert_false(json_object_object_get_ex(o, "role", &v));
	assert_false(json_object_object_get_ex(o, "email_verified", &v));
	assert_false(json_object_object_get_ex(o, "two_factor_enabled", &v));
	json_object_put(o);
	o = sc_user_json(res, 1, 0, SC_USER_PUBLIC);
	assert_string_equal(jstr(o, "username"), "bob");
	jnull(o, "display_name");
	jnull(o, "avatar_url");
	assert_string_equal(jstr(o, "status"), "away");
	json_object_put(o);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* Avatar URLs: https only, a host, printable ASCII, at most 2048 bytes. */
static void test_https_url(void **state)
{
	static char longurl[2100];
	(void)state;
	assert_true(sc_user_https_url_valid(SC_LIT("https://cdn.example.com/a.png").ptr, 29));
	assert_true(sc_user_https_url_valid("HTTPS://x.example/y", 19));
	assert_false(sc_user_https_url_valid("http://x.example/y", 18));
	assert_false(sc_user_https_url_valid("https://", 8));
	assert_false(sc_user_https_url_valid("https:///path", 13));
	assert_false(sc_user_https_url_valid("https://x .example", 18));
	assert_false(sc_user_https_url_valid("https://x.example/\x7f", 20));
	assert_false(sc_user_https_url_valid("https://x.\xc3\xa9xample", 19));
	assert_false(sc_user_https_url_valid("javascript:alert(1)", 19));
	memcpy(longurl, "https://x.example/", 18);
	memset(longurl + 18, 'a', 2030);
	assert_true(sc_user_https_url_valid(longurl, 2048));
	assert_false(sc_user_https_url_valid(longurl, 2049));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_email_accepts_and_normalizes),
		T(test_https_url),
		T(test_email_rejects),
		T(test_email_length),
		T(test_username_rules),
		T(test_status_values),
		T(test_user_json_self),
		T(test_user_json_public),
	};
	return cmocka_run_group_tests_name("sc_user", tests, NULL, NULL);
}
