/* test_call.c - call records (sc_call.h, sql/006_calls.sql) against run.sh's
 * PostgreSQL and Redis: the refusal answers, the call.ended summary, the
 * participants set and its revision guard, and the transition functions
 * driven through sc_call_transition (codes, recipients, the set after each
 * step, the missed-call clock, the call object and its duration).
 *
 * The migrations are applied into a schema of their own (t_call, first on the
 * search path of this test's connection), so the tables of other tests and
 * this one never meet; the schema is dropped at the end. */
#include "t_redis.h"

#include "sc_alloc.h"
#include "sc_arena.h"
#include "sc_call.h"
#include "sc_db.h"
#include "sc_migrate.h"
#include "sc_req.h"
#include "sc_resp.h"

#include <json-c/json.h>

static sc_arena a;
static sc_db *db;
static sc_redis *rd;
static sc_req req;
static char ua[37], ub[37], uc[37], conv_g[37], conv_d[37];

#define RING "60"
#define CAP  "8"

static const char SQL_INITIATE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_initiate($1::uuid, $2::uuid, 'audio', $3::uuid[], "
    CAP ", " RING ")";
static const char SQL_JOIN[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_join($1::uuid, $2::uuid, " CAP ", " RING ")";
static const char SQL_LEAVE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_leave($1::uuid, $2::uuid, " RING ")";
static const char SQL_DECLINE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_decline($1::uuid, $2::uuid, " RING ")";
static const char SQL_END[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_end($1::uuid, $2::uuid, " RING ")";

static PGresult *q(const char *sql, int n, const char *const *p)
{
	PGresult *res = NULL;
	sc_db_err err;
	if (sc_db_exec(db, &a, sql, n, p, 0, &res, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
	return res;
}

static const char *q1(const char *sql, int n, const char *const *p)
{
	PGresult *res = q(sql, n, p);
	assert_int_equal(PQntuples(res), 1);
	return PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
}

/* the folder of the migrations: tests run from the repository root (make
 * unit), or from tests/unit */
static const char *sql_dir(void)
{
	static const char *const dirs[] = { "sql", "../../sql" };
	char probe[64];
	size_t i;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		FILE *f;
		snprintf(probe, sizeof(probe), "%s/006_calls.sql", dirs[i]);
		if ((f = fopen(probe, "r")) != NULL) {
			fclose(f);
			return dirs[i];
		}
	}
	fail_msg("sql/006_calls.sql not found: run from the repository root");
	return NULL;
}

static void apply(const char *dir, const char *name)
{
	char path[512], *text = sc_xmalloc(SC_MIGRATE_MAX_BYTES + 1);
	size_t n;
	sc_db_err err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	n = fread(text, 1, SC_MIGRATE_MAX_BYTES, f);
	fclose(f);
	text[n] = '\0';
	if (sc_db_exec_script(db, text, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	free(text);
}

static void newid(char *out)
{
	sc_uuid_v4(out);
}

static void add_user(const char *id)
{
	const char *p[1] = { id };
	q("INSERT INTO users (user_id, email, username, password_hash, display_name) "
	  "VALUES ($1::text::uuid, $1::text || '@example.test', 'u' || left(replace($1::text, '-', ''), 20), "
	  "'x', 'U')",
	  1, p);
}

static void add_conv(const char *id, const char *type, const char *const *members, int n)
{
	const char *p[3] = { id, type, NULL };
	int i;
	q("INSERT INTO conversations (conversation_id, type, direct_key, title) VALUES ($1::text::uuid, "
	  "$2::text, CASE WHEN $2::text = 'direct' THEN $1::text END, 'T')", 2, p);
	for (i = 0; i < n; i++) {
		p[1] = members[i];
		q("INSERT INTO conversation_participants (conversation_id, user_id) VALUES ($1::uuid, $2::uuid)",
		  2, p);
	}
}

static int setup(void **state)
{
	sc_migration m[SC_MIGRATE_MAX_FILES];
	char err[256];
	const char *dir, *g[3] = { ua, ub, uc }, *d[2] = { ua, ub };
	sc_db_err e;
	int i, n;
	(void)state;

	t_config_services(NULL);
	t_quiet_log();
	sc_arena_init(&a);
	db = sc_db_new();
	rd = sc_redis_new();
	if (sc_db_exec_script(db, "DROP SCHEMA IF EXISTS t_call CASCADE; CREATE SCHEMA t_call; "
	    "SET search_path TO t_call, public", &e) != 0)
		fail_msg("schema: %s", e.msg);
	dir = sql_dir();
	n = sc_migrate_list(dir, m, SC_MIGRATE_MAX_FILES, err, sizeof(err));
	if (n < 0)
		fail_msg("%s", err);
	for (i = 0; i < n; i++)
		apply(dir, m[i].name);
	newid(ua);
	newid(ub);
	newid(uc);
	newid(conv_g);
	newid(conv_d);
	add_user(ua);
	add_user(ub);
	add_user(uc);
	add_conv(conv_g, "group", g, 3);
	add_conv(conv_d, "direct", d, 2);
	memset(&req, 0, sizeof(req));
	req.arena = &a;
	req.db = db;
	req.redis = rd;
	return 0;
}

static int teardown(void **state)
{
	sc_db_err e;
	(void)state;
	sc_db_exec_script(db, "DROP SCHEMA IF EXISTS t_call CASCADE", &e);
	sc_db_free(db);
	sc_redis_free(rd);
	db = NULL;
	rd = NULL;
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

/* ---- refusals and summaries (no server) ---- */

static void expect_refusal(const char *code, int status, const char *field, const char *msg)
{
	sc_resp resp;
	sc_resp_init(&resp, &a);
	assert_int_equal(sc_call_refuse(&resp, code, "11111111-1111-4111-8111-111111111111"), -1);
	if (resp.status != status)
		fail_msg("%s: status %d, want %d", code, resp.status, status);
	if (field != NULL)
		assert_string_equal(resp.err_field, field);
	else
		assert_null(resp.err_field);
	if (msg != NULL && strstr(resp.err_msg, msg) == NULL)
		fail_msg("%s: message \"%s\" lacks \"%s\"", code, resp.err_msg, msg);
}

static void test_refusals(void **state)
{
	sc_resp resp;
	(void)state;
	expect_refusal("no_conversation", 404, NULL, "conversation");
	expect_refusal("no_call", 404, NULL, "call");
	expect_refusal("not_member", 403, NULL, "member");
	expect_refusal("blocked", 403, NULL, "block");
	expect_refusal("callee_not_member", 403, NULL, "callee");
	expect_refusal("callee_blocked", 403, NULL, "block");
	expect_refusal("forbidden", 403, NULL, NULL);
	expect_refusal("not_participant", 403, NULL, NULL);
	expect_refusal("not_invited", 403, NULL, "invited");
	expect_refusal("not_in_call", 403, NULL, NULL);
	expect_refusal("over", 409, NULL, "over");
	expect_refusal("already_joined", 409, NULL, NULL);
	expect_refusal("full", 409, NULL, "full");
	expect_refusal("not_joined", 409, NULL, NULL);
	expect_refusal("answered", 409, NULL, NULL);
	expect_refusal("declined", 409, NULL, "declined");
	expect_refusal("no_callees", 400, "callee_ids", "callee_ids");
	expect_refusal("too_many", 400, "callee_ids", "8 participants");
	expect_refusal("what", 500, NULL, NULL);
	/* only busy names the call, in an extra member of the error */
	sc_resp_init(&resp, &a);
	sc_call_refuse(&resp, "busy", "11111111-1111-4111-8111-111111111111");
	assert_int_equal(resp.status, 409);
	assert_string_equal(resp.err_key, "call_id");
	assert_string_equal(resp.err_value, "11111111-1111-4111-8111-111111111111");
	sc_resp_init(&resp, &a);
	sc_call_refuse(&resp, "over", "11111111-1111-4111-8111-111111111111");
	assert_null(resp.err_key);
}

static void test_summary(void **state)
{
	json_object *call = json_tokener_parse("{\"call_id\":\"c\",\"status\":\"ended\",\"duration\":42,"
	    "\"ended_by\":\"u\",\"participants\":[]}"), *s;
	size_t n;
	(void)state;
	s = sc_call_summary(call, 1);
	assert_string_equal(sc_json_dump(s, &n),
	    "{\"call_id\":\"c\",\"status\":\"ended\",\"duration\":42,\"ended_by\":\"u\"}");
	json_object_put(s);
	s = sc_call_summary(call, 0);
	assert_string_equal(sc_json_dump(s, &n), "{\"call_id\":\"c\",\"status\":\"ended\",\"duration\":42}");
	json_object_put(s);
	json_object_put(call);
}

/* ---- the participants set ---- */

static char *members(const char *call)
{
	static char out[512];
	char key[96];
	redisReply *r;
	size_t i;
	snprintf(key, sizeof(key), "call:%s:participants", call);
	r = t_redis(rd, 2, "SMEMBERS", key);
	out[0] = '\0';
	/* sorted by the test: Redis sets have no order */
	for (i = 0; i < r->elements; i++) {
		size_t j, k;
		for (j = i + 1; j < r->elements; j++)
			if (strcmp(r->element[j]->str, r->element[i]->str) < 0) {
				redisReply *t = r->element[i];
				r->element[i] = r->element[j];
				r->element[j] = t;
			}
		k = strlen(out);
		snprintf(out + k, sizeof(out) - k, "%s%s", i ? "," : "", r->element[i]->str);
	}
	freeReplyObject(r);
	return out;
}

static long long ttl_of(const char *call, const char *what)
{
	char key[96];
	snprintf(key, sizeof(key), "call:%s:%s", call, what);
	return t_redis_int(rd, 2, "TTL", key);
}

static void test_cache(void **state)
{
	char id[37];
	redisReply *r;
	char key[96];
	(void)state;
	newid(id);
	snprintf(key, sizeof(key), "call:%s:rev", id);
	assert_int_equal(sc_call_cache(rd, id, "ringing", "a,b", 1, 70, 0), 0);
	assert_string_equal(members(id), "a,b");
	assert_in_range(ttl_of(id, "participants"), 1, 70);
	assert_in_range(ttl_of(id, "rev"), 1, 70);
	/* the same or an older revision is not written again */
	assert_int_equal(sc_call_cache(rd, id, "ringing", "a", 1, 70, 0), 0);
	assert_string_equal(members(id), "a,b");
	assert_int_equal(sc_call_cache(rd, id, "over", "", 0, 70, 0), 0);
	assert_string_equal(members(id), "a,b");
	/* a newer one replaces the set; active: no expiry */
	assert_int_equal(sc_call_cache(rd, id, "active", "b,c", 3, 70, 0), 0);
	assert_string_equal(members(id), "b,c");
	assert_int_equal(ttl_of(id, "participants"), -1);
	assert_int_equal(ttl_of(id, "rev"), -1);
	/* revision 2 arriving after 3 (two requests whose writes crossed) changes nothing */
	assert_int_equal(sc_call_cache(rd, id, "ringing", "a", 2, 70, 0), 0);
	assert_string_equal(members(id), "b,c");
	/* force rewrites an equal revision (rebuild-redis), never an older one */
	assert_int_equal(sc_call_cache(rd, id, "active", "c", 3, 70, 1), 0);
	assert_string_equal(members(id), "c");
	assert_int_equal(sc_call_cache(rd, id, "active", "a", 2, 70, 1), 0);
	assert_string_equal(members(id), "c");
	/* over: the set goes, the revision stays for a while */
	assert_int_equal(sc_call_cache(rd, id, "over", "", 4, 70, 0), 0);
	assert_int_equal(t_redis_int(rd, 2, "EXISTS", key), 1);
	assert_string_equal(members(id), "");
	assert_in_range(ttl_of(id, "rev"), 1, 600);
	r = t_redis(rd, 2, "GET", key);
	assert_string_equal(r->str, "4");
	freeReplyObject(r);
	/* a late write of the live call cannot bring the set back */
	assert_int_equal(sc_call_cache(rd, id, "active", "a,b", 3, 70, 0), 0);
	assert_string_equal(members(id), "");
	/* bad input is refused before Redis */
	assert_int_equal(sc_call_cache(rd, id, "paused", "a", 9, 70, 0), -1);
	freeReplyObject(t_redis(rd, 2, "DEL", key));
}

/* ---- transitions ---- */

static sc_resp resp;

/* run a transition as user u on (call or conversation) x; extra: callees */
static int step(const char *sql, const char *u, const char *x, const char *extra, sc_call_res *res)
{
	const char *p[3] = { u, x, extra };
	sc_resp_init(&resp, &a);
	return sc_call_transition(&req, &resp, sql, sql == SQL_INITIATE ? 3 : 2, p, res);
}

/* two ids as a sorted comma list */
static const char *pair(const char *x, const char *y)
{
	return strcmp(x, y) < 0 ? sc_arena_printf(&a, "%s,%s", x, y) : sc_arena_printf(&a, "%s,%s", y, x);
}

static const char *sorted3(const char *x, const char *y, const char *z)
{
	const char *v[3] = { x, y, z }, *t;
	int i, j;
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (strcmp(v[j], v[i]) < 0)
				t = v[i], v[i] = v[j], v[j] = t;
	return sc_arena_printf(&a, "%s,%s,%s", v[0], v[1], v[2]);
}

static const char *field(json_object *o, const char *k)
{
	json_object *v = NULL;
	json_object_object_get_ex(o, k, &v);
	return v == NULL ? NULL : json_object_get_string(v);
}

static void test_flow(void **state)
{
	sc_call_res r;
	char call[37];
	(void)state;

	/* ring every other member of the group */
	assert_int_equal(step(SQL_INITIATE, ua, conv_g, NULL, &r), 0);
	snprintf(call, sizeof(call), "%s", r.call_id);
	assert_string_equal(r.others, pair(ub, uc));
	assert_string_equal(r.everyone, sorted3(ua, ub, uc));
	assert_false(r.ended);
	assert_string_equal(field(r.call, "status"), "ringing");
	assert_int_equal(json_object_array_length(json_object_object_get(r.call, "participants")), 3);
	assert_string_equal(members(call), sorted3(ua, ub, uc));
	assert_in_range(ttl_of(call, "participants"), 1, 90);

	/* one live call per conversation: 409 naming it */
	assert_int_equal(step(SQL_INITIATE, ub, conv_g, NULL, &r), -1);
	assert_int_equal(resp.status, 409);
	assert_string_equal(resp.err_value, call);

	/* a callee answers */
	assert_int_equal(step(SQL_JOIN, ub, call, NULL, &r), 0);
	assert_string_equal(field(r.call, "status"), "active");
	assert_non_null(field(r.call, "answered_at"));
	assert_string_equal(r.others, pair(ua, uc));
	assert_int_equal(ttl_of(call, "participants"), -1);
	assert_int_equal(step(SQL_JOIN, ub, call, NULL, &r), -1);
	assert_int_equal(resp.status, 409);

	/* the other declines: told to those still rung or in the call */
	assert_int_equal(step(SQL_DECLINE, uc, call, NULL, &r), 0);
	assert_string_equal(r.others, pair(ua, ub));
	assert_false(r.ended);
	assert_string_equal(members(call), pair(ua, ub));
	assert_int_equal(step(SQL_DECLINE, uc, call, NULL, &r), -1);
	assert_int_equal(resp.status, 409);
	assert_int_equal(step(SQL_END, uc, call, NULL, &r), -1);
	assert_int_equal(resp.status, 403);

	/* the caller leaves, then the last one: the call ends */
	assert_int_equal(step(SQL_LEAVE, ua, call, NULL, &r), 0);
	assert_false(r.ended);
	assert_string_equal(members(call), ub);
	assert_int_equal(step(SQL_LEAVE, ub, call, NULL, &r), 0);
	assert_true(r.ended);
	assert_string_equal(field(r.call, "status"), "ended");
	assert_string_equal(field(r.call, "ended_by"), ub);
	assert_string_equal(members(call), "");
	assert_int_equal(step(SQL_LEAVE, ub, call, NULL, &r), -1);
	assert_int_equal(resp.status, 409);
	assert_int_equal(step(SQL_JOIN, uc, call, NULL, &r), -1);
	assert_int_equal(resp.status, 409);

	/* unknown ids */
	assert_int_equal(step(SQL_JOIN, ua, "00000000-0000-4000-8000-000000000000", NULL, &r), -1);
	assert_int_equal(resp.status, 404);
	assert_int_equal(step(SQL_INITIATE, ua, "00000000-0000-4000-8000-000000000000", NULL, &r), -1);
	assert_int_equal(resp.status, 404);
}

static void test_declined(void **state)
{
	sc_call_res r;
	char call[37];
	const char *callees = sc_arena_printf(&a, "{%s}", ub);
	(void)state;

	/* a named callee; a member who was not rung may not decline */
	assert_int_equal(step(SQL_INITIATE, ua, conv_g, callees, &r), 0);
	snprintf(call, sizeof(call), "%s", r.call_id);
	assert_string_equal(r.others, ub);
	assert_int_equal(step(SQL_DECLINE, uc, call, NULL, &r), -1);
	assert_int_equal(resp.status, 403);
	assert_int_equal(step(SQL_DECLINE, ua, call, NULL, &r), -1);
	assert_int_equal(resp.status, 403);
	/* the only callee declines: over, status declined */
	assert_int_equal(step(SQL_DECLINE, ub, call, NULL, &r), 0);
	assert_true(r.ended);
	assert_string_equal(field(r.call, "status"), "declined");
	assert_string_equal(r.others, ua);
	assert_string_equal(members(call), "");
}

static void test_missed(void **state)
{
	sc_call_res r;
	char call[37];
	const char *p[1], *ended;
	PGresult *res;
	json_object *o;
	(void)state;

	assert_int_equal(step(SQL_INITIATE, ua, conv_d, NULL, &r), 0);
	snprintf(call, sizeof(call), "%s", r.call_id);
	p[0] = call;
	/* the ring time passed: it reads as missed, with the end it will get */
	q("UPDATE calls SET started_at = started_at - interval '61 seconds' WHERE call_id = $1::uuid", 1, p);
	res = q("SELECT call_json(c, " RING "), call_ts(c.started_at + interval '" RING " seconds'), "
	    "c.status FROM calls c WHERE c.call_id = $1::uuid", 1, p);
	o = json_tokener_parse(PQgetvalue(res, 0, 0));
	assert_string_equal(field(o, "status"), "missed");
	assert_string_equal(field(o, "ended_at"), PQgetvalue(res, 0, 1));
	assert_string_equal(field(o, "duration"), "0");
	assert_string_equal(PQgetvalue(res, 0, 2), "ringing");
	json_object_put(o);
	ended = sc_arena_strdup(&a, PQgetvalue(res, 0, 1));
	/* a write finds it over and marks it */
	assert_int_equal(step(SQL_JOIN, ub, call, NULL, &r), -1);
	assert_int_equal(resp.status, 409);
	assert_string_equal(q1("SELECT status || ' ' || call_ts(ended_at) FROM calls WHERE call_id = $1::uuid",
	    1, p), sc_arena_printf(&a, "missed %s", ended));
	assert_string_equal(q1("SELECT state FROM call_participants WHERE call_id = $1::uuid AND role = 'caller'",
	    1, p), "left");
	/* a fresh call in the same conversation is no longer blocked by it */
	assert_int_equal(step(SQL_INITIATE, ub, conv_d, NULL, &r), 0);
	assert_int_equal(step(SQL_END, ub, r.call_id, NULL, &r), 0);
	assert_true(r.ended);
}

static void test_status_and_duration(void **state)
{
	(void)state;
	assert_string_equal(q1("SELECT call_status('ringing', now() - interval '59 seconds', 60)", 0, NULL),
	    "ringing");
	assert_string_equal(q1("SELECT call_status('ringing', now() - interval '60 seconds', 60)", 0, NULL),
	    "missed");
	assert_string_equal(q1("SELECT call_status('active', now() - interval '1 hour', 60)", 0, NULL),
	    "active");
	assert_string_equal(q1("SELECT call_status('ended', now() - interval '1 hour', 60)", 0, NULL),
	    "ended");
	assert_string_equal(q1("SELECT call_ts('2024-02-29 23:59:58.1234+01')", 0, NULL),
	    "2024-02-29T22:59:58.123Z");
	/* answered 90.7 s before the end: 90; still going: up to now; never answered: 0 */
	assert_string_equal(q1("SELECT call_json(ROW(gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), "
	    "'video', 'ended', now() - interval '1 hour', now() - interval '100.7 seconds', "
	    "now() - interval '10 seconds', NULL, 1)::calls, 60) ->> 'duration'",
	    0, NULL), "90");
	assert_string_equal(q1("SELECT call_json(ROW(gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), "
	    "'video', 'active', now() - interval '1 hour', now() - interval '30 minutes', NULL, NULL, "
	    "1)::calls, 60) ->> 'duration'", 0, NULL), "1800");
	assert_string_equal(q1("SELECT call_json(ROW(gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), "
	    "'audio', 'ended', now() - interval '1 hour', NULL, now(), NULL, 1)::calls, 60) ->> 'duration'",
	    0, NULL), "0");
	/* the object's keys, in order, with an empty participant list */
	assert_string_equal(q1("SELECT (SELECT string_agg(k, ',') FROM json_object_keys(call_json(ROW("
	    "gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'audio', 'ringing', now(), NULL, NULL, "
	    "NULL, 1)::calls, 60)) k)", 0, NULL),
	    "call_id,conversation_id,caller_id,call_type,status,started_at,answered_at,ended_at,ended_by,"
	    "duration,participants");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_declined),
		cmocka_unit_test(test_missed),
		cmocka_unit_test(test_status_and_duration),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
