/* PUT /v1/storage/upload/:file_id?expires=&sig= - the bytes of an upload to
 * the local backend (the upload_url of POST /v1/storage/upload-url).
 *
 * Public: the signature is the authorization (sc_fsign, method PUT; 403 when
 * missing, altered, for another file or method, or expired); the per-address
 * rate limit applies. Unknown, failed or expired uploads 404; a file already
 * uploaded 409. The body is read by this program (SC_EP_STREAM) in 64 KiB
 * chunks into STORAGE_DIR/tmp while it is hashed, so memory does not grow
 * with the file. Checks: Content-Length must be exactly file_size (400), the
 * type libmagic finds must fit content_type (415; not for encrypted files or
 * application/octet-stream). Then fsync, a move into STORAGE_DIR/<object_key>
 * that never replaces, and the file is completed: 200 file. A client's
 * failure (400, 415) ends the upload: nothing is kept, the row goes, its
 * quota comes back. A server-side one (503) keeps it pending for a retry. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_fsign.h"
#include "sc_row.h"
#include "sc_sniff.h"
#include "sc_storage.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The upload $1: file_size, content_type, is_encrypted, status, backend, object_key. */
static const char SQL_PENDING[] =
    "SELECT f.file_size, f.content_type, f.is_encrypted, f.status, f.backend, f.object_key "
    "FROM files f WHERE f.file_id = $1::uuid";

/* Ends the pending upload $1 (its bytes were never kept) and gives its size back. */
static const char SQL_FAIL[] =
    "WITH d AS (DELETE FROM files WHERE file_id = $1::uuid AND status = 'uploading' "
    "           RETURNING user_id, file_size), " SC_SQL_FILE_RELEASE " "
    "SELECT count(*) FROM d";

/* Completes the pending upload $1 with its SHA-256 $2; the file, or no row
 * when it is no longer pending (another upload won, or it was deleted). */
static const char SQL_DONE[] =
    "UPDATE files f SET status = 'completed', sha256 = $2, completed_at = now(), "
    "  updated_at = now() WHERE f.file_id = $1::uuid AND f.status = 'uploading' "
    "RETURNING " SC_FILE_COLS;

/* End the upload `id` and answer status/msg (a client's mistake). */
static int refuse(sc_req *req, sc_resp *resp, const char *id, int status, const char *msg)
{
	const char *p[1] = { id };
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_FAIL, 1, p, SC_DB_RETRY, NULL, &err) < 0)
		return sc_app_db_error(resp, &err);
	return sc_resp_error(resp, status, msg);
}

static int handle(sc_req *req, sc_resp *resp)
{
	static char head[SC_SNIFF_HEAD];
	const char *id = sc_route_param(&req->params, "file_id"), *p[2], *why, *type, *key;
	char sniffed[SC_SNIFF_TYPE_MAX + 1], msg[320], path[PATH_MAX];
	long long size;
	long hn;
	int rc;
	sc_storage_recv r;
	PGresult *res;
	sc_db_err err;

	rc = sc_fsign_check("PUT", id, sc_req_query(req, "expires"), sc_req_query(req, "sig"),
	    (long long)time(NULL));
	if (rc != SC_FSIGN_OK)
		return sc_resp_error(resp, 403, rc == SC_FSIGN_EXPIRED ? "this upload URL has expired"
		    : "invalid upload signature");
	p[0] = id;
	if (sc_db_exec(req->db, req->arena, SQL_PENDING, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 4), "local") != 0 ||
	    strcmp(PQgetvalue(res, 0, 3), "deleted") == 0)
		return sc_resp_error(resp, 404, "no such upload (it failed or expired: ask for a new "
		    "upload URL)");
	if (strcmp(PQgetvalue(res, 0, 3), "completed") == 0)
		return sc_resp_error(resp, 409, "this file is already uploaded");
	type = PQgetvalue(res, 0, 1);
	key = PQgetvalue(res, 0, 5);
	if (sc_parse_i64(PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)), 1, (long long)9e18,
	    &size) < 0)
		return sc_resp_fail(resp, "file_size unreadable");
	if (req->content_length != size) {
		snprintf(msg, sizeof(msg), "the body must be exactly file_size (%lld) bytes, not %lld",
		    size, req->content_length);
		return refuse(req, resp, id, 400, msg);
	}
	rc = sc_storage_local_receive(req, id, size, &r, &why);
	if (rc == SC_STORAGE_SHORT)
		return refuse(req, resp, id, 400, why);
	if (rc != SC_STORAGE_OK)
		return sc_resp_unavailable(resp, why);

	if (!sc_row_is_true(res, 0, 2) && sc_file_type_sniffed(type)) {
		hn = sc_storage_local_head(&r, head, sizeof(head));
		if (hn <= 0 || sc_sniff(head, (size_t)hn, sniffed, &why) < 0) {
			sc_storage_local_abort(&r);
			snprintf(msg, sizeof(msg), "the content could not be checked against %s (%s)",
			    type, hn <= 0 ? "unreadable" : why);
			return refuse(req, resp, id, 415, msg);
		}
		if (!sc_file_type_matches(type, sniffed)) {
			sc_storage_local_abort(&r);
			snprintf(msg, sizeof(msg), "the content is %s, not %s as declared", sniffed, type);
			return refuse(req, resp, id, 415, msg);
		}
	}
	rc = sc_storage_local_commit(&r, key, &why);
	if (rc == SC_STORAGE_EXISTS)
		return sc_resp_error(resp, 409, "this file is already uploaded");
	if (rc != SC_STORAGE_OK)
		return sc_resp_unavailable(resp, why);

	p[1] = r.sha256;
	/* not retried: after a commit whose answer was lost, a second run would
	 * find nothing pending and remove the bytes of a completed file */
	rc = sc_db_exec(req->db, req->arena, SQL_DONE, 2, p, 0, &res, &err);
	if (rc < 0 && err.unavailable)
		return sc_app_db_error(resp, &err);   /* outcome unknown: keep the bytes; gc
		                                       * removes them if it was not recorded */
	if (rc < 0 || PQntuples(res) != 1) {
		/* not recorded as completed: the bytes must not stay */
		if (sc_storage_local_path(key, path) == 0)
			remove(path);
		if (rc < 0)
			return sc_app_db_error(resp, &err);
		return sc_resp_error(resp, 409, "this upload is no longer pending");
	}
	sc_resp_json(resp, 200, sc_file_json(res, 0, 0));
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/upload", .pattern = "/v1/storage/upload/:file_id", .methods = SC_M_PUT,
	.body_cap = SC_STORAGE_BODY_CAP, .flags = SC_EP_STREAM | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
