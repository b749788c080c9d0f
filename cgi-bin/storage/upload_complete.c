/* POST /v1/storage/upload-complete {file_id} - say the upload is done.
 *
 * Owner only (403; unknown or deleted 404). A completed file answers 200 with
 * the file again (the call is idempotent). A pending one: local backend, the
 * PUT to the upload URL completes it, so it is 409 until that happened; s3,
 * the object is looked up with a signed HEAD: missing 409, of another size
 * than file_size 409 (the object is removed, so the client uploads again with
 * its URL), else the file becomes completed: 200 file. The store cannot be
 * asked: 503. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_row.h"
#include "sc_storage.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

/* The file $1 as the caller $2 sees it: owner, status, backend, object_key,
 * then the file (SC_FILE_COLS). */
static const char SQL_GET[] =
    "SELECT f.user_id = $2::uuid, f.status, f.backend, f.object_key, " SC_FILE_COLS " "
    "FROM files f WHERE f.file_id = $1::uuid";

/* Completes the pending file $1 of $2; the file, or no row. */
static const char SQL_COMPLETE[] =
    "UPDATE files f SET status = 'completed', completed_at = now(), updated_at = now() "
    "WHERE f.file_id = $1::uuid AND f.user_id = $2::uuid AND f.status = 'uploading' "
    "RETURNING " SC_FILE_COLS;

static int handle(sc_req *req, sc_resp *resp)
{
	char id[SC_UUID_STRLEN + 1], msg[160];
	const char *p[2] = { id, req->user.user_id }, *status, *backend, *key;
	long long want = 0, have = 0;
	int found = 0;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_uuid(req->json, "file_id", SC_REQUIRED, id, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_db_exec(req->db, req->arena, SQL_GET, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "deleted") == 0)
		return sc_resp_error(resp, 404, "no such file");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "not your file");
	status = PQgetvalue(res, 0, 1);
	backend = PQgetvalue(res, 0, 2);
	key = PQgetvalue(res, 0, 3);
	if (strcmp(status, "completed") == 0) {
		sc_resp_json(resp, 200, sc_file_json(res, 0, 4));
		return 0;
	}
	if (strcmp(backend, "s3") != 0)
		return sc_resp_error(resp, 409, "the bytes have not been uploaded yet: PUT them to "
		    "the upload URL");
	sc_parse_i64(PQgetvalue(res, 0, 6), strlen(PQgetvalue(res, 0, 6)), 1, (long long)9e18, &want);
	if (sc_storage_stat(backend, key, &have, &found) < 0)
		return sc_resp_unavailable(resp, "the storage cannot be reached, try again later");
	if (!found)
		return sc_resp_error(resp, 409, "the object is missing: upload it first");
	if (have != want) {
		sc_storage_delete(backend, key);
		snprintf(msg, sizeof(msg), "the object has %lld bytes, not file_size (%lld); upload "
		    "it again", have, want);
		return sc_resp_error(resp, 409, msg);
	}
	if (sc_db_exec(req->db, req->arena, SQL_COMPLETE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 409, "this upload is no longer pending");
	sc_resp_json(resp, 200, sc_file_json(res, 0, 0));
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/upload_complete", .pattern = "/v1/storage/upload-complete",
	.methods = SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
