/* sc-admin - SecureConnect administration.
 *
 *   sc-admin check-config          validate the configuration; exit 0 or 1
 *   sc-admin config-keys           print every setting's name
 *   sc-admin config-doc            print the settings as a Markdown table
 *   sc-admin migrate [--dir DIR]   apply sql/NNN_*.sql in order
 *   sc-admin rebuild-redis         put back what Redis must know and PostgreSQL has:
 *                                  the revocation marks of recently revoked sessions
 *
 * Configuration comes from the environment and the file named by SC_CONFIG
 * (docs/decisions.md). */
#include "sc_config.h"
#include "sc_db.h"
#include "sc_jwt.h"
#include "sc_log.h"
#include "sc_migrate.h"
#include "sc_ratelimit.h"
#include "sc_redis.h"

#include <stdio.h>
#include <string.h>

static const char *type_name(sc_config_type t)
{
	switch (t) {
	case SC_CT_STR: return "string";
	case SC_CT_SECRET: return "secret";
	case SC_CT_INT: return "integer";
	case SC_CT_BOOL: return "boolean";
	case SC_CT_ENUM: return "one of";
	case SC_CT_ORIGINS: return "origin list";
	case SC_CT_IPLIST: return "address list";
	case SC_CT_URL: return "URL";
	}
	return "?";
}

static int config_doc(void)
{
	size_t n, i;
	const sc_config_def *d = sc_config_defs(&n);

	printf("| key | type | default | description |\n|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		char type[160];
		if (d[i].type == SC_CT_ENUM)
			snprintf(type, sizeof(type), "one of `%s`", d[i].choices);
		else if (d[i].type == SC_CT_INT)
			snprintf(type, sizeof(type), "integer %lld..%lld", d[i].min, d[i].max);
		else
			snprintf(type, sizeof(type), "%s", type_name(d[i].type));
		printf("| `%s` | %s | %s%s%s | %s |\n", d[i].name, type,
		    d[i].def == NULL ? "**required**" : d[i].def[0] ? "`" : "(empty)",
		    d[i].def && d[i].def[0] ? d[i].def : "",
		    d[i].def && d[i].def[0] ? "`" : "", d[i].doc);
	}
	return 0;
}

/* Sessions revoked within the access-token lifetime, with the seconds left. */
static const char SQL_RECENTLY_REVOKED[] =
    "SELECT session_id, ceil($1::int - extract(epoch FROM now() - revoked_at))::int "
    "FROM sessions WHERE revoked_at > now() - make_interval(secs => $1::int)";

/* After Redis lost its data (a restart without persistence), access tokens of
 * revoked sessions would work again until they expire: mark them again. */
static int rebuild_redis(void)
{
	char ttl[24];
	const char *p[1] = { ttl };
	sc_db *db = sc_db_new();
	sc_redis *r = sc_redis_new();
	sc_arena a;
	sc_db_err err;
	PGresult *res;
	int i, rc = 1, n = 0;

	sc_arena_init(&a);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_ACCESS_TTL_SECONDS) + SC_JWT_LEEWAY);
	if (sc_db_exec(db, &a, SQL_RECENTLY_REVOKED, 1, p, SC_DB_RETRY, &res, &err) < 0) {
		fprintf(stderr, "rebuild-redis: %s\n", err.msg);
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		const char *left = PQgetvalue(res, i, 1);
		long long secs;
		if (sc_parse_i64(left, strlen(left), 1, 1000000, &secs) < 0)
			secs = 1;
		if (sc_ratelimit_revoke(r, PQgetvalue(res, i, 0), secs) < 0) {
			fprintf(stderr, "rebuild-redis: Redis refused the revocation marks\n");
			goto out;
		}
		n++;
	}
	printf("rebuild-redis: %d revoked sessions marked\n", n);
	rc = 0;
out:
	sc_arena_cleanup(&a);
	sc_redis_free(r);
	sc_db_free(db);
	return rc;
}

static int load(void)
{
	const char *err;
	if (sc_config_load(&err) < 0) {
		fprintf(stderr, "secureconnect: config: %s\n", err);
		return -1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: sc-admin check-config | config-keys | config-doc | "
	    "migrate [--dir DIR] | rebuild-redis\n");
	return 2;
}

int main(int argc, char **argv)
{
	size_t n, i;
	const sc_config_def *d;

	sc_log_init("sc-admin", 2);
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "config-keys") == 0) {
		d = sc_config_defs(&n);
		for (i = 0; i < n; i++)
			printf("%s\n", d[i].name);
		return 0;
	}
	if (strcmp(argv[1], "config-doc") == 0)
		return config_doc();
	if (strcmp(argv[1], "check-config") == 0) {
		if (load() < 0)
			return 1;
		printf("configuration ok\n");
		return 0;
	}
	if (strcmp(argv[1], "migrate") == 0) {
		const char *dir = "sql";
		if (argc == 4 && strcmp(argv[2], "--dir") == 0)
			dir = argv[3];
		else if (argc != 2)
			return usage();
		if (load() < 0)
			return 1;
		return sc_migrate_run(dir, stdout, stderr) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "rebuild-redis") == 0) {
		if (load() < 0)
			return 1;
		return rebuild_redis();
	}
	return usage();
}
