/* DELETE /v1/storage/files/:file_id - delete one of the caller's files.
 *
 * Owner only (403; unknown or already deleted 404); a pending upload may be
 * deleted too. One statement marks the file deleted and gives its size back
 * to the quota; then its bytes are removed and its row goes (when the store
 * fails, `sc-admin gc` removes them later: the file is gone for everyone at
 * once either way). 200 {file_id, deleted:true}. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_row.h"
#include "sc_storage.h"

#include <string.h>

/* $1 file, $2 caller. No row: no such file. Else: owner, status (as read),
 * then backend and object_key when this statement deleted it. */
static const char SQL_DELETE[] =
    "WITH t AS (SELECT f.file_id, f.user_id = $2::uuid AS mine, f.status FROM files f "
    "           WHERE f.file_id = $1::uuid), "
    "d AS (UPDATE files f SET status = 'deleted', updated_at = now() FROM t "
    "      WHERE f.file_id = t.file_id AND t.mine AND f.status <> 'deleted' "
    "      RETURNING f.user_id, f.file_size, f.backend, f.object_key), "
    SC_SQL_FILE_RELEASE " "
    "SELECT t.mine, t.status, d.backend, d.object_key FROM t LEFT JOIN d ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "file_id"), *p[2] = { id, req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	/* retrying is safe: a second run finds the file deleted (404 at worst) */
	if (sc_db_exec(req->db, req->arena, SQL_DELETE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "deleted") == 0)
		return sc_resp_error(resp, 404, "no such file");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "not your file");
	if (PQgetisnull(res, 0, 2))
		return sc_resp_error(resp, 404, "no such file");   /* deleted meanwhile */
	sc_storage_discard(req->db, req->arena, id, PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3));
	o = json_object_new_object();
	json_object_object_add(o, "file_id", json_object_new_string(id));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/file", .pattern = "/v1/storage/files/:file_id", .methods = SC_M_DELETE,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
