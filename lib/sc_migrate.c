/* sc_migrate.c - apply sql/NNN_*.sql in order, each in a transaction. */
#include "sc_migrate.h"
#include "sc_alloc.h"
#include "sc_buf.h"
#include "sc_db.h"
#include "sc_rand.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Arbitrary, fixed: the advisory lock that serializes migrate runs. */
#define MIGRATE_LOCK "7274621"

static const char SQL_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

static int cmp_version(const void *a, const void *b)
{
	const sc_migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

/* NNN_name.sql: 3+ digits, '_', [A-Za-z0-9_-]+, ".sql". */
static int parse_name(const char *n, int *version)
{
	size_t i = 0, len = strlen(n);
	long long v;
	while (i < len && n[i] >= '0' && n[i] <= '9')
		i++;
	if (i < 3 || i > 9 || i >= len || n[i] != '_')
		return -1;
	if (len < i + 6 || strcmp(n + len - 4, ".sql") != 0)
		return -1;
	if (sc_parse_i64(n, i, 0, 999999999, &v) < 0)
		return -1;
	for (size_t k = i + 1; k < len - 4; k++) {
		char c = n[k];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return -1;
	}
	*version = (int)v;
	return 0;
}

int sc_migrate_list(const char *dir, sc_migration *out, int max, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, i;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		int v;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (parse_name(e->d_name, &v) < 0) {
			snprintf(err, errlen, "%s: not a migration name (NNN_name.sql)", e->d_name);
			closedir(d);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "%s: more than %d migrations", dir, max);
			closedir(d);
			return -1;
		}
		if (strlen(e->d_name) >= sizeof(out[n].name)) {
			snprintf(err, errlen, "%.40s...: migration name longer than %zu bytes",
			    e->d_name, sizeof(out[n].name) - 1);
			closedir(d);
			return -1;
		}
		out[n].version = v;
		memcpy(out[n].name, e->d_name, strlen(e->d_name) + 1);
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), cmp_version);
	for (i = 1; i < n; i++)
		if (out[i].version == out[i - 1].version) {
			snprintf(err, errlen, "%s and %s have the same number", out[i - 1].name,
			    out[i].name);
			return -1;
		}
	return n;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	sc_buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		return NULL;
	}
	sc_buf_init(&b, SC_MIGRATE_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (sc_buf_append(&b, chunk, n) < 0) {
			snprintf(err, errlen, "%.900s: larger than %u bytes", path, SC_MIGRATE_MAX_BYTES);
			fclose(f);
			sc_buf_cleanup(&b);
			return NULL;
		}
	fclose(f);
	if (b.ptr == NULL)
		sc_buf_append(&b, "", 0);
	*len = b.len;
	return b.ptr;
}

static void sha256_hex(const char *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	sc_hex_encode(md, 32, out);
}

int sc_migrate_run(const char *dir, FILE *out, FILE *errout)
{
	static sc_migration files[SC_MIGRATE_MAX_FILES];
	char err[1400];
	sc_db *db = sc_db_new();
	sc_db_err dberr;
	sc_arena a;
	PGresult *applied;
	int n, i, done = 0, skipped = 0, rc = -1, locked = 0;

	sc_arena_init(&a);
	n = sc_migrate_list(dir, files, SC_MIGRATE_MAX_FILES, err, sizeof(err));
	if (n < 0) {
		fprintf(errout, "migrate: %s\n", err);
		goto out;
	}
	if (sc_db_exec(db, &a, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", 0, NULL, 0, NULL,
	    &dberr) < 0) {
		fprintf(errout, "migrate: cannot reach PostgreSQL: %s\n", dberr.msg);
		goto out;
	}
	locked = 1;
	if (sc_db_exec(db, &a, SQL_TABLE, 0, NULL, 0, NULL, &dberr) < 0 ||
	    sc_db_exec(db, &a, "SELECT version, checksum FROM schema_migrations", 0, NULL, 0,
	    &applied, &dberr) < 0) {
		fprintf(errout, "migrate: schema_migrations: %s\n", dberr.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char path[1024], sum[65], ver[16];
		const char *known = NULL;
		size_t len;
		char *sql;
		int r;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		snprintf(ver, sizeof(ver), "%d", files[i].version);
		sql = read_file(path, &len, err, sizeof(err));
		if (sql == NULL) {
			fprintf(errout, "migrate: %s\n", err);
			goto out;
		}
		sha256_hex(sql, len, sum);
		for (r = 0; r < PQntuples(applied); r++)
			if (strcmp(PQgetvalue(applied, r, 0), ver) == 0)
				known = PQgetvalue(applied, r, 1);
		if (known != NULL) {
			free(sql);
			if (strcmp(known, sum) != 0) {
				fprintf(errout, "migrate: %s: changed after it was applied "
				    "(write a new migration instead)\n", files[i].name);
				goto out;
			}
			skipped++;
			continue;
		}
		{
			const char *params[3] = { ver, files[i].name, sum };
			int ok = sc_db_exec_script(db, "BEGIN", &dberr) == 0 &&
			    sc_db_exec_script(db, sql, &dberr) == 0 &&
			    sc_db_exec(db, &a, "INSERT INTO schema_migrations (version, name, checksum)"
			    " VALUES ($1, $2, $3)", 3, params, 0, NULL, &dberr) == 0 &&
			    sc_db_exec_script(db, "COMMIT", &dberr) == 0;
			free(sql);
			if (!ok) {
				sc_db_err ignore;
				fprintf(errout, "migrate: %s: %s\n", files[i].name, dberr.msg);
				sc_db_exec_script(db, "ROLLBACK", &ignore);
				goto out;
			}
		}
		fprintf(out, "migrate: applied %s\n", files[i].name);
		done++;
	}
	fprintf(out, "migrate: %d applied, %d already applied\n", done, skipped);
	rc = 0;
out:
	if (locked) {
		sc_db_err ignore;
		sc_db_exec(db, &a, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", 0, NULL, 0,
		    NULL, &ignore);
	}
	sc_arena_cleanup(&a);
	sc_db_free(db);
	return rc;
}
