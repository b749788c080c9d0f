/* sc_storage.c - the storage backends behind one facade (see sc_storage.h). */
#include "sc_storage.h"
#include "sc_config.h"
#include "sc_file.h"
#include "sc_fsign.h"
#include "sc_log.h"
#include "sc_rand.h"
#include "sc_s3.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *sc_storage_backend(void)
{
	return sc_config_str(SC_CFG_STORAGE_BACKEND);
}

static int is_s3(const char *backend)
{
	return strcmp(backend, "s3") == 0;
}

/* Seconds from now until expires, at least 1 (presigned URLs want a lifetime). */
static long long lifetime(long long expires)
{
	long long left = expires - (long long)time(NULL);
	return left < 1 ? 1 : left;
}

/* APP_URL + /v1/storage/<what>/<file_id>?expires=&sig= signed for method. */
static char *local_url(sc_arena *a, const char *what, const char *method, const char *file_id,
    long long expires)
{
	const char *base = sc_config_str(SC_CFG_APP_URL);
	size_t bl = strlen(base);
	char sig[SC_FSIGN_LEN + 1];

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	sc_fsign_make(method, file_id, expires, sig);
	return sc_arena_printf(a, "%.*s/v1/storage/%s/%s?expires=%lld&sig=%s", (int)bl, base, what,
	    file_id, expires, sig);
}

int sc_storage_upload_url(sc_arena *a, const char *backend, const char *file_id,
    const char *object_key, long long size, const char *content_type, long long expires,
    char **url)
{
	if (is_s3(backend))
		return sc_s3_presign_put(a, object_key, size, content_type, lifetime(expires), url);
	*url = local_url(a, "upload", "PUT", file_id, expires);
	return 0;
}

int sc_storage_download_url(sc_arena *a, const char *backend, const char *file_id,
    const char *object_key, const char *file_name, const char *content_type,
    long long expires, char **url)
{
	if (is_s3(backend))
		return sc_s3_presign_get(a, object_key, file_name, content_type, lifetime(expires),
		    url);
	*url = local_url(a, "download", "GET", file_id, expires);
	return 0;
}

int sc_storage_stat(const char *backend, const char *object_key, long long *size, int *found)
{
	char path[PATH_MAX];
	struct stat st;

	if (is_s3(backend))
		return sc_s3_head(object_key, size, found);
	*size = 0;
	*found = 0;
	if (sc_storage_local_path(object_key, path) < 0)
		return -1;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	*found = S_ISREG(st.st_mode);
	*size = (long long)st.st_size;
	return 0;
}

int sc_storage_delete(const char *backend, const char *object_key)
{
	char path[PATH_MAX];

	if (is_s3(backend))
		return sc_s3_delete(object_key);
	if (sc_storage_local_path(object_key, path) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT) {
		sc_log(SC_LOG_ERROR, "cannot remove a stored file", "\"errno\":%d", errno);
		return -1;
	}
	return 0;
}

/* Removes the row of a file marked deleted whose bytes are gone. */
static const char SQL_FORGET[] =
    "DELETE FROM files WHERE file_id = $1::uuid AND status = 'deleted'";

int sc_storage_discard(sc_db *db, sc_arena *a, const char *file_id, const char *backend,
    const char *object_key)
{
	const char *p[1] = { file_id };
	sc_db_err err;

	if (sc_storage_delete(backend, object_key) < 0)
		return -1;
	if (sc_db_exec(db, a, SQL_FORGET, 1, p, SC_DB_RETRY, NULL, &err) < 0) {
		sc_log(SC_LOG_WARN, "a deleted file's row stays for sc-admin gc", NULL);
		return -1;
	}
	return 0;
}

/* Up to $3 deleted files after file $2 (NULL: from the start), of user $1
 * (NULL: everyone's), in file_id order: file_id, backend, object_key. */
static const char SQL_DELETED[] =
    "SELECT file_id, backend, object_key FROM files "
    "WHERE status = 'deleted' AND ($1::uuid IS NULL OR user_id = $1::uuid) "
    "  AND ($2::uuid IS NULL OR file_id > $2::uuid) ORDER BY file_id LIMIT $3::int";

int sc_storage_purge(sc_db *db, sc_arena *a, const char *user_id, int max, char *after,
    long long *removed)
{
	char lim[16];
	const char *p[3] = { user_id, after[0] ? after : NULL, lim };
	PGresult *res;
	sc_db_err err;
	int i, n;

	*removed = 0;
	snprintf(lim, sizeof(lim), "%d", max);
	if (sc_db_exec(db, a, SQL_DELETED, 3, p, SC_DB_RETRY, &res, &err) < 0) {
		sc_log(SC_LOG_ERROR, "cannot list deleted files", "\"error\":\"%.100s\"", err.msg);
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		if (sc_storage_discard(db, a, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2)) == 0)
			(*removed)++;
	if (n > 0)
		snprintf(after, 37, "%s", PQgetvalue(res, n - 1, 0));
	return n;
}
