/* test_db.c - the PostgreSQL connection, against the server run.sh starts. */
#include "t_services.h"

#include "sc_db.h"
#include "sc_log.h"

static sc_arena a;

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	sc_arena_init(&a);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sc_arena_cleanup(&a);
	t_env_clear();
	return 0;
}

static void exec_ok(sc_db *db, const char *sql, int n, const char *const *params, PGresult **res)
{
	sc_db_err err;
	memset(&err, 0x55, sizeof(err));
	if (sc_db_exec(db, &a, sql, n, params, 0, res, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
}

/* Backends of our application name other than the asking one. */
static int our_backends(sc_db *probe)
{
	PGresult *res;
	exec_ok(probe, "SELECT count(*) FROM pg_stat_activity WHERE "
	    "application_name = 'secureconnect' AND pid <> pg_backend_pid()", 0, NULL, &res);
	return atoi(PQgetvalue(res, 0, 0));
}

static void test_lazy_connect(void **state)
{
	sc_db *probe = sc_db_new(), *db;
	int before;
	(void)state;
	before = our_backends(probe);
	db = sc_db_new();
	assert_non_null(db);
	assert_int_equal(our_backends(probe), before);       /* no I/O yet */
	exec_ok(db, "SELECT 1", 0, NULL, NULL);
	assert_int_equal(our_backends(probe), before + 1);
	exec_ok(db, "SELECT 2", 0, NULL, NULL);
	assert_int_equal(our_backends(probe), before + 1);   /* kept, not reopened */
	sc_db_free(db);
	sc_db_free(probe);
	sc_db_free(NULL);
}

static void test_exec_params(void **state)
{
	sc_db *db = sc_db_new();
	PGresult *res = NULL;
	const char *params[] = { "2", "40", NULL, "it's \"quoted\"; DROP TABLE x" };
	(void)state;
	exec_ok(db, "SELECT $1::int + $2::int, $3::text IS NULL, $4::text", 4, params, &res);
	assert_non_null(res);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(res), 1);
	assert_string_equal(PQgetvalue(res, 0, 0), "42");
	assert_string_equal(PQgetvalue(res, 0, 1), "t");
	assert_string_equal(PQgetvalue(res, 0, 2), "it's \"quoted\"; DROP TABLE x");
	/* command results too; the result is on the arena (no PQclear here) */
	exec_ok(db, "CREATE TEMP TABLE t_db (k text PRIMARY KEY, v int)", 0, NULL, &res);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	{
		const char *p2[] = { "a", "1" };
		exec_ok(db, "INSERT INTO t_db VALUES ($1, $2)", 2, p2, &res);
		assert_string_equal(PQcmdTuples(res), "1");
	}
	sc_db_free(db);
}

static void test_sql_error(void **state)
{
	sc_db *db = sc_db_new();
	sc_db_err err;
	PGresult *res = (PGresult *)&err;
	const char *p[] = { "a" };
	(void)state;
	assert_int_equal(sc_db_exec(db, &a, "SELECT * FROM no_such_table_xyz", 0, NULL, 0, &res,
	    &err), -1);
	assert_null(res);
	assert_string_equal(err.sqlstate, "42P01");
	assert_int_equal(err.unavailable, 0);
	assert_non_null(strstr(err.msg, "no_such_table_xyz"));
	assert_int_equal(sc_db_exec(db, &a, "SELEC 1", 0, NULL, 0, NULL, &err), -1);
	assert_string_equal(err.sqlstate, "42601");
	assert_int_equal(err.unavailable, 0);
	/* a constraint violation */
	exec_ok(db, "CREATE TEMP TABLE t_uniq (k text PRIMARY KEY)", 0, NULL, NULL);
	exec_ok(db, "INSERT INTO t_uniq VALUES ($1)", 1, p, NULL);
	assert_int_equal(sc_db_exec(db, &a, "INSERT INTO t_uniq VALUES ($1)", 1, p, 0, NULL, &err), -1);
	assert_string_equal(err.sqlstate, "23505");
	assert_int_equal(err.unavailable, 0);
	/* the connection is still usable (the temp table is still there) */
	exec_ok(db, "SELECT count(*) FROM t_uniq", 0, NULL, NULL);
	sc_db_free(db);
}

static void test_closed_port(void **state)
{
	sc_db *db;
	sc_db_err err;
	(void)state;
	t_config_services("DB_PORT", T_CLOSED_PORT, NULL);
	db = sc_db_new();
	assert_int_equal(sc_db_exec(db, &a, "SELECT 1", 0, NULL, SC_DB_RETRY, NULL, &err), -1);
	assert_int_equal(err.unavailable, 1);
	assert_string_equal(err.sqlstate, "");
	assert_true(strlen(err.msg) > 0);
	assert_int_equal(sc_db_ping(db, &err), -1);
	assert_int_equal(err.unavailable, 1);
	assert_null(sc_db_conn(db, &err));
	assert_int_equal(sc_db_exec_script(db, "SELECT 1", &err), -1);
	assert_int_equal(err.unavailable, 1);
	sc_db_free(db);
}

static void test_wrong_password(void **state)
{
	sc_db *db;
	sc_db_err err;
	(void)state;
	t_config_services("DB_PASSWORD", "definitely-not-the-password", NULL);
	db = sc_db_new();
	assert_int_equal(sc_db_ping(db, &err), -1);
	assert_int_equal(err.unavailable, 1);
	assert_null(strstr(err.msg, "definitely-not-the-password"));
	sc_db_free(db);
}

static void test_ping(void **state)
{
	sc_db *db = sc_db_new();
	sc_db_err err;
	(void)state;
	assert_int_equal(sc_db_ping(db, &err), 0);
	assert_non_null(sc_db_conn(db, &err));
	assert_int_equal(PQstatus(sc_db_conn(db, &err)), CONNECTION_OK);
	sc_db_free(db);
}

static void test_reconnect_after_close(void **state)
{
	sc_db *db = sc_db_new();
	PGresult *r1, *r2;
	(void)state;
	exec_ok(db, "SELECT pg_backend_pid()", 0, NULL, &r1);
	sc_db_close(db);
	sc_db_close(db);             /* twice is harmless */
	exec_ok(db, "SELECT pg_backend_pid()", 0, NULL, &r2);
	assert_string_not_equal(PQgetvalue(r1, 0, 0), PQgetvalue(r2, 0, 0));
	sc_db_free(db);
}

/* The backend is killed by someone else: a SC_DB_RETRY statement reconnects
 * and succeeds; a plain one reports unavailable and the next one reconnects. */
static void test_backend_killed(void **state)
{
	sc_db *db = sc_db_new(), *killer = sc_db_new();
	PGresult *res;
	sc_db_err err;
	const char *pid[1];
	char buf[32];
	(void)state;
	t_quiet_log();

	exec_ok(db, "SELECT pg_backend_pid()", 0, NULL, &res);
	snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
	pid[0] = buf;
	exec_ok(killer, "SELECT pg_terminate_backend($1::int, 5000)", 1, pid, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "t");
	assert_int_equal(sc_db_ping(db, &err), 0);

	exec_ok(db, "SELECT pg_backend_pid()", 0, NULL, &res);
	snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
	exec_ok(killer, "SELECT pg_terminate_backend($1::int, 5000)", 1, pid, &res);
	assert_int_equal(sc_db_exec(db, &a, "SELECT 1", 0, NULL, 0, NULL, &err), -1);
	assert_int_equal(err.unavailable, 1);
	exec_ok(db, "SELECT 1", 0, NULL, NULL);
	sc_db_free(killer);
	sc_db_free(db);
}

/* A statement that breaks the connection in flight is not retried without
 * SC_DB_RETRY (it may have committed). */
static void test_in_flight_not_retried(void **state)
{
	sc_db *db = sc_db_new(), *probe = sc_db_new();
	sc_db_err err;
	PGresult *res;
	(void)state;
	exec_ok(probe, "CREATE TABLE IF NOT EXISTS t_db_once (n int)", 0, NULL, NULL);
	exec_ok(probe, "TRUNCATE t_db_once", 0, NULL, NULL);
	assert_int_equal(sc_db_exec(db, &a, "INSERT INTO t_db_once VALUES (1); ", 0, NULL, 0,
	    NULL, &err), 0);
	assert_int_equal(sc_db_exec(db, &a,
	    "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL, 0, NULL, &err), -1);
	assert_int_equal(err.unavailable, 1);
	exec_ok(probe, "SELECT count(*) FROM t_db_once", 0, NULL, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "1");
	exec_ok(probe, "DROP TABLE t_db_once", 0, NULL, NULL);
	sc_db_free(probe);
	sc_db_free(db);
}

static void test_statement_timeout_option(void **state)
{
	sc_db *db;
	PGresult *res;
	sc_db_err err;
	(void)state;
	db = sc_db_new();
	exec_ok(db, "SHOW statement_timeout", 0, NULL, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "5s");
	sc_db_free(db);
	t_config_services("DB_STATEMENT_TIMEOUT_MS", "150", NULL);
	db = sc_db_new();
	exec_ok(db, "SHOW statement_timeout", 0, NULL, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "150ms");
	/* the timeout is enforced: a query canceled by it is an SQL error */
	assert_int_equal(sc_db_exec(db, &a, "SELECT pg_sleep(5)", 0, NULL, 0, NULL, &err), -1);
	assert_string_equal(err.sqlstate, "57014");
	assert_int_equal(err.unavailable, 0);
	sc_db_free(db);
}

static void test_exec_script(void **state)
{
	sc_db *db = sc_db_new();
	sc_db_err err;
	PGresult *res;
	(void)state;
	assert_int_equal(sc_db_exec_script(db,
	    "CREATE TEMP TABLE t_script (n int); INSERT INTO t_script VALUES (1), (2);", &err), 0);
	exec_ok(db, "SELECT sum(n) FROM t_script", 0, NULL, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "3");
	assert_int_equal(sc_db_exec_script(db, "", &err), 0);
	assert_int_equal(sc_db_exec_script(db, "SELECT 1; SELEC 2;", &err), -1);
	assert_string_equal(err.sqlstate, "42601");
	assert_int_equal(err.unavailable, 0);
	sc_db_free(db);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* DB_PREPARED_STATEMENTS: each statement is prepared once per connection and
 * run by name; without it nothing is prepared (PgBouncer transaction mode). */
static const char SQL_PREP[] = "SELECT $1::int * 2";

static int prepared_count(sc_db *db)
{
	PGresult *res;
	exec_ok(db, "SELECT count(*) FROM pg_prepared_statements", 0, NULL, &res);
	return atoi(PQgetvalue(res, 0, 0));
}

static void test_prepared_statements(void **state)
{
	const char *p7[] = { "7" }, *p9[] = { "9" };
	PGresult *res;
	sc_db *db;
	(void)state;

	db = sc_db_new();                       /* default: unnamed statements */
	exec_ok(db, SQL_PREP, 1, p7, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "14");
	assert_int_equal(prepared_count(db), 0);
	sc_db_free(db);

	t_config_services("DB_PREPARED_STATEMENTS", "true", NULL);
	db = sc_db_new();
	exec_ok(db, SQL_PREP, 1, p7, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "14");
	exec_ok(db, SQL_PREP, 1, p9, &res);     /* the same statement: reused */
	assert_string_equal(PQgetvalue(res, 0, 0), "18");
	/* SQL_PREP and the count query itself are the two prepared statements */
	assert_int_equal(prepared_count(db), 2);
	sc_db_close(db);                        /* a new connection prepares again */
	exec_ok(db, SQL_PREP, 1, p9, &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "18");
	assert_int_equal(prepared_count(db), 2);
	sc_db_free(db);
}

/* sc_db_send: a read sent ahead is taken by the next sc_db_exec of the same
 * statement and parameters, and run only once; anything else drops it. A
 * sequence makes each execution visible. */
static const char SQL_NEXT[] = "SELECT nextval('t_send_seq'), $1::text";
static const char SQL_FAIL[] = "SELECT 1 / $1::int";

static const char *next_val(sc_db *db, const char *arg)
{
	const char *p[1] = { arg };
	PGresult *res;
	exec_ok(db, SQL_NEXT, 1, p, &res);
	assert_string_equal(PQgetvalue(res, 0, 1), arg);
	return PQgetvalue(res, 0, 0);
}

static void send_suite(sc_db *db)
{
	const char *pa[1] = { "a" }, *pb[1] = { "b" }, *pz[1] = { "0" };
	char longp[SC_DB_SEND_PARAM_MAX + 2];
	sc_db_err err;

	exec_ok(db, "CREATE TEMP SEQUENCE t_send_seq", 0, NULL, NULL);
	assert_string_equal(next_val(db, "a"), "1");
	/* taken: the statement ran once (2), not again (3) */
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pa), 0);
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pa), -1);      /* one at a time */
	assert_string_equal(next_val(db, "a"), "2");
	assert_string_equal(next_val(db, "a"), "3");
	/* other parameters: dropped (it still ran: 4), then run anew (5) */
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pa), 0);
	assert_string_equal(next_val(db, "b"), "5");
	/* another statement: dropped first; the connection stays usable */
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pb), 0);
	exec_ok(db, "SELECT 1", 0, NULL, NULL);
	assert_string_equal(next_val(db, "b"), "7");
	/* discarded unread; discard with nothing pending is a no-op */
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pb), 0);
	sc_db_discard(db);
	sc_db_discard(db);
	assert_string_equal(next_val(db, "b"), "9");
	/* an error sent ahead: run again by sc_db_exec, reported as the SQL error */
	exec_ok(db, SQL_FAIL, 1, (const char *[]){ "1" }, NULL);    /* prepared, when on */
	assert_int_equal(sc_db_send(db, SQL_FAIL, 1, pz), 0);
	assert_int_equal(sc_db_exec(db, &a, SQL_FAIL, 1, pz, 0, NULL, &err), -1);
	assert_string_equal(err.sqlstate, "22012");
	assert_int_equal(err.unavailable, 0);
	assert_string_equal(next_val(db, "a"), "10");
	/* refused: too many or too long parameters, NULL db */
	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, (const char *[]){ longp }), -1);
	assert_int_equal(sc_db_send(db, SQL_NEXT, SC_DB_SEND_PARAMS + 1,
	    (const char *[]){ "a", "b", "c" }), -1);
	assert_int_equal(sc_db_send(NULL, SQL_NEXT, 1, pa), -1);
	assert_string_equal(next_val(db, "a"), "11");
	/* a connection closed with a statement pending drops it */
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pa), 0);
	sc_db_close(db);
	exec_ok(db, "SELECT 1", 0, NULL, NULL);
}

static void test_send_ahead(void **state)
{
	sc_db *db = sc_db_new();
	(void)state;
	send_suite(db);
	sc_db_free(db);
}

static void test_send_ahead_prepared(void **state)
{
	const char *pa[1] = { "a" };
	sc_db *db;
	(void)state;
	t_config_services("DB_PREPARED_STATEMENTS", "true", NULL);
	db = sc_db_new();
	/* not prepared yet: not sent; its first sc_db_exec prepares it */
	exec_ok(db, "SELECT 1", 0, NULL, NULL);
	assert_int_equal(sc_db_send(db, SQL_NEXT, 1, pa), -1);
	sc_db_close(db);
	send_suite(db);
	sc_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lazy_connect),
		T(test_exec_params),
		T(test_sql_error),
		T(test_closed_port),
		T(test_wrong_password),
		T(test_ping),
		T(test_reconnect_after_close),
		T(test_backend_killed),
		T(test_in_flight_not_retried),
		T(test_statement_timeout_option),
		T(test_exec_script),
		T(test_prepared_statements),
		T(test_send_ahead),
		T(test_send_ahead_prepared),
	};
	return cmocka_run_group_tests_name("sc_db", tests, NULL, NULL);
}
