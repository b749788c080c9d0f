/* test_migrate.c - numbered migrations against the PostgreSQL run.sh starts. */
#include "t_services.h"

#include <sys/stat.h>
#include <unistd.h>

#include "sc_db.h"
#include "sc_migrate.h"

static char dir[64];
static sc_arena a;
static sc_db *db;
static char *outtext, *errtext;
static size_t outlen, errlen;

static void exec_ok(const char *sql, PGresult **res)
{
	sc_db_err err;
	if (sc_db_exec(db, &a, sql, 0, NULL, 0, res, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
}

static int setup(void **state)
{
	(void)state;
	t_config_services(NULL);
	sc_arena_init(&a);
	db = sc_db_new();
	exec_ok("DROP TABLE IF EXISTS schema_migrations, mig_a, mig_b, mig_c", NULL);
	strcpy(dir, "/tmp/sc-test-migrate-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	outtext = errtext = NULL;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	sc_db_free(db);
	sc_arena_cleanup(&a);
	free(outtext);
	free(errtext);
	t_env_clear();
	return 0;
}

static void put(const char *name, const char *content)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* sc_migrate_run with its output captured in outtext / errtext. */
static int run(void)
{
	FILE *o, *e;
	int rc;
	free(outtext);
	free(errtext);
	outtext = errtext = NULL;
	o = open_memstream(&outtext, &outlen);
	e = open_memstream(&errtext, &errlen);
	assert_non_null(o);
	assert_non_null(e);
	rc = sc_migrate_run(dir, o, e);
	fclose(o);
	fclose(e);
	return rc;
}

static int table_exists(const char *name)
{
	PGresult *res;
	const char *p[1] = { name };
	sc_db_err err;
	if (sc_db_exec(db, &a, "SELECT to_regclass($1) IS NOT NULL", 1, p, 0, &res, &err) != 0)
		fail_msg("to_regclass: %s", err.msg);
	return strcmp(PQgetvalue(res, 0, 0), "t") == 0;
}

static int versions(char *out, size_t n)
{
	PGresult *res;
	int i;
	size_t o = 0;
	exec_ok("SELECT version FROM schema_migrations ORDER BY version", &res);
	out[0] = '\0';
	for (i = 0; i < PQntuples(res); i++)
		o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "," : "", PQgetvalue(res, i, 0));
	return PQntuples(res);
}

#define A_SQL "-- creates mig_a\nCREATE TABLE mig_a (id int);\n"
#define B_SQL "CREATE TABLE mig_b (id int);\nINSERT INTO mig_b VALUES (1), (2);\n"

static void test_list(void **state)
{
	sc_migration m[8];
	char err[256];
	(void)state;
	put("002_b.sql", B_SQL);
	put("010_later-one.sql", "SELECT 1;");
	put("001_a.sql", A_SQL);
	put("README.md", "not a migration");
	put(".hidden", "x");
	assert_int_equal(sc_migrate_list(dir, m, 8, err, sizeof(err)), 3);
	assert_int_equal(m[0].version, 1);
	assert_string_equal(m[0].name, "001_a.sql");
	assert_int_equal(m[1].version, 2);
	assert_int_equal(m[2].version, 10);
	assert_string_equal(m[2].name, "010_later-one.sql");
	/* more files than the caller has room for */
	assert_int_equal(sc_migrate_list(dir, m, 2, err, sizeof(err)), -1);
	assert_int_equal(sc_migrate_list("/nonexistent/sql", m, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/sql"));
}

static void test_bad_names(void **state)
{
	static const char *bad[] = {
		"12_x.sql", "001-a.sql", "001_a.txt", "001_.sql", "001_a b.sql", "001a.sql",
		"001_a.sql.bak", "0000000001_a.sql",
	};
	sc_migration m[8];
	char err[256], path[256];
	size_t i;
	(void)state;
	put("001_ok.sql", "SELECT 1;");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i], "SELECT 1;");
		err[0] = '\0';
		assert_int_equal(sc_migrate_list(dir, m, 8, err, sizeof(err)), -1);
		if (strstr(err, bad[i]) == NULL)
			fail_msg("%s: error does not name the file: %s", bad[i], err);
		/* and a run refuses before touching anything */
		assert_int_equal(run(), -1);
		assert_non_null(strstr(errtext, bad[i]));
		snprintf(path, sizeof(path), "%s/%s", dir, bad[i]);
		unlink(path);
	}
	assert_false(table_exists("schema_migrations"));
}

/* A name that is a valid migration name but longer than sc_migration.name
 * (128 bytes) must be refused or kept whole, never silently cut: the cut
 * name would later be opened (or recorded) as another file. */
static void test_long_name(void **state)
{
	sc_migration m[4];
	char err[512], name[200];
	int n;
	(void)state;
	memcpy(name, "001_", 4);
	memset(name + 4, 'a', 150);
	strcpy(name + 154, ".sql");
	put(name, "SELECT 1;");
	err[0] = '\0';
	n = sc_migrate_list(dir, m, 4, err, sizeof(err));
	if (n == 1 && strcmp(m[0].name, name) != 0)
		fail_msg("the name was cut to '%s' (%zu bytes of %zu)", m[0].name,
		    strlen(m[0].name), strlen(name));
	if (n == -1)
		assert_true(strlen(err) > 0);
	else
		assert_int_equal(n, 1);
}

static void test_duplicate_numbers(void **state)
{
	sc_migration m[8];
	char err[256];
	(void)state;
	put("001_a.sql", A_SQL);
	put("002_b.sql", B_SQL);
	put("0002_again.sql", "SELECT 1;");
	assert_int_equal(sc_migrate_list(dir, m, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "002_b.sql"));
	assert_non_null(strstr(err, "0002_again.sql"));
	assert_int_equal(run(), -1);
	assert_false(table_exists("mig_a"));
}

static void test_apply_then_rerun(void **state)
{
	char v[64];
	PGresult *res;
	(void)state;
	put("001_a.sql", A_SQL);
	put("002_b.sql", B_SQL);
	if (run() != 0)
		fail_msg("migrate failed: %s", errtext);
	assert_non_null(strstr(outtext, "001_a.sql"));
	assert_non_null(strstr(outtext, "002_b.sql"));
	assert_true(table_exists("mig_a"));
	assert_true(table_exists("mig_b"));
	assert_int_equal(versions(v, sizeof(v)), 2);
	assert_string_equal(v, "1,2");
	exec_ok("SELECT name, checksum FROM schema_migrations WHERE version = 1", &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "001_a.sql");
	assert_int_equal(strlen(PQgetvalue(res, 0, 1)), 64);   /* SHA-256 hex */
	/* again: nothing to do */
	if (run() != 0)
		fail_msg("second run failed: %s", errtext);
	assert_null(strstr(outtext, "applied 001_a.sql"));
	assert_null(strstr(outtext, "applied 002_b.sql"));
	assert_non_null(strstr(outtext, "0 applied"));
	exec_ok("SELECT count(*) FROM mig_b", &res);
	assert_string_equal(PQgetvalue(res, 0, 0), "2");         /* not run twice */
	assert_int_equal(versions(v, sizeof(v)), 2);
}

static void test_broken_file_leaves_no_trace(void **state)
{
	char v[64];
	(void)state;
	put("001_a.sql", A_SQL);
	put("002_b.sql", B_SQL);
	put("003_c.sql", "CREATE TABLE mig_c (id int);\nINSERT INTO mig_c VALUES (1);\n"
	    "SELECT * FROM no_such_table_in_003;\n");
	assert_int_equal(run(), -1);
	assert_non_null(strstr(errtext, "003_c.sql"));
	assert_non_null(strstr(errtext, "no_such_table_in_003"));
	/* earlier files stay applied; 003 left nothing behind */
	assert_true(table_exists("mig_a"));
	assert_true(table_exists("mig_b"));
	assert_false(table_exists("mig_c"));
	assert_int_equal(versions(v, sizeof(v)), 2);
	assert_string_equal(v, "1,2");
	/* the connection used for the run is not left in a failed transaction:
	 * fixing the file and running again applies it */
	put("003_c.sql", "CREATE TABLE mig_c (id int);\n");
	if (run() != 0)
		fail_msg("run after the fix failed: %s", errtext);
	assert_true(table_exists("mig_c"));
	assert_int_equal(versions(v, sizeof(v)), 3);
}

static void test_changed_checksum_stops(void **state)
{
	char v[64];
	(void)state;
	put("001_a.sql", A_SQL);
	if (run() != 0)
		fail_msg("first run failed: %s", errtext);
	put("001_a.sql", A_SQL "-- edited afterwards\n");
	put("002_b.sql", B_SQL);
	assert_int_equal(run(), -1);
	assert_non_null(strstr(errtext, "001_a.sql"));
	assert_non_null(strstr(errtext, "changed"));
	/* the run stopped: 002 was not applied */
	assert_false(table_exists("mig_b"));
	assert_int_equal(versions(v, sizeof(v)), 1);
}

static void test_empty_dir(void **state)
{
	(void)state;
	if (run() != 0)
		fail_msg("empty dir: %s", errtext);
	assert_non_null(strstr(outtext, "0 applied"));
}

static void test_database_unreachable(void **state)
{
	(void)state;
	put("001_a.sql", A_SQL);
	t_config_services("DB_PORT", T_CLOSED_PORT, NULL);
	assert_int_equal(run(), -1);
	assert_true(strlen(errtext) > 0);
	t_config_services(NULL);
	assert_false(table_exists("mig_a"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_list),
		T(test_bad_names),
		T(test_long_name),
		T(test_duplicate_numbers),
		T(test_apply_then_rerun),
		T(test_broken_file_leaves_no_trace),
		T(test_changed_checksum_stops),
		T(test_empty_dir),
		T(test_database_unreachable),
	};
	return cmocka_run_group_tests_name("sc_migrate", tests, NULL, NULL);
}
