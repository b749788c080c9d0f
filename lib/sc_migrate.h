/* sc_migrate.h - numbered SQL migrations (sql/NNN_name.sql).
 *
 * Files are applied in numeric order, each in its own transaction together
 * with its row in schema_migrations(version, name, checksum, applied_at),
 * under an advisory lock so concurrent runs cannot interleave. Applied files
 * are skipped; one whose SHA-256 changed since it was applied stops the run.
 * A failing file is rolled back and named with the server's message. */
#ifndef SC_MIGRATE_H
#define SC_MIGRATE_H

#include <stdio.h>

#define SC_MIGRATE_MAX_FILES 512
#define SC_MIGRATE_MAX_BYTES (4u * 1024u * 1024u)

typedef struct sc_migration {
	int  version;
	char name[128];        /* file name */
} sc_migration;

/* List dir's migrations sorted by version. Returns the count, or -1 with a
 * message in err (bad name such as "12_x.sql" is ignored only if it does not
 * start with a digit; duplicate versions are an error). */
int sc_migrate_list(const char *dir, sc_migration *out, int max, char *err, size_t errlen);

/* Apply pending migrations with the loaded config. Progress to out, errors
 * to errout. 0 on success, -1 on any failure. */
int sc_migrate_run(const char *dir, FILE *out, FILE *errout);

#endif
