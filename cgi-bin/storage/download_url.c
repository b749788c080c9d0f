/* GET /v1/storage/download-url/:file_id - where to download a file.
 *
 * For the owner, and for a member of a conversation where a message that is
 * not deleted carries the file (messages.file_ids): the check is made now, so
 * a member removed from the conversation, or a deleted message, takes the
 * access away. Others 403; unknown or deleted files 404; a file still being
 * uploaded 409. 200 {download_url, expires_at}: signed for
 * STORAGE_DOWNLOAD_URL_SECONDS (local: this server's
 * /v1/storage/download/:file_id; s3: a presigned GET to the store). A URL
 * handed out stays valid until it expires, whatever happens meanwhile to the
 * caller's membership (as with any presigned URL); deleting the file ends it. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_row.h"
#include "sc_storage.h"
#include "sc_time.h"

#include <string.h>
#include <time.h>

/* The file $1 for the caller $2: status, may read (owner or shared with the
 * caller), backend, object_key, file_name, content_type. */
static const char SQL_GET[] =
    "SELECT f.status, f.user_id = $2::uuid OR " SC_SQL_FILE_SHARED("f.file_id", "$2::uuid") ", "
    "  f.backend, f.object_key, f.file_name, f.content_type "
    "FROM files f WHERE f.file_id = $1::uuid";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "file_id"), *p[2] = { id, req->user.user_id };
	long long expires = (long long)time(NULL) + sc_config_int(SC_CFG_STORAGE_DOWNLOAD_URL_SECONDS);
	struct timespec ts = { 0, 0 };
	char when[SC_TIME_RFC3339_LEN];
	char *url;
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_GET, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "deleted") == 0)
		return sc_resp_error(resp, 404, "no such file");
	if (!sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 403, "this file was not shared with you");
	if (strcmp(PQgetvalue(res, 0, 0), "completed") != 0)
		return sc_resp_error(resp, 409, "this file is not completely uploaded yet");
	if (sc_storage_download_url(req->arena, PQgetvalue(res, 0, 2), id, PQgetvalue(res, 0, 3),
	    PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5), expires, &url) < 0)
		return sc_resp_fail(resp, "cannot make the download URL");
	ts.tv_sec = (time_t)expires;
	o = json_object_new_object();
	json_object_object_add(o, "download_url", json_object_new_string(url));
	json_object_object_add(o, "expires_at", json_object_new_string(sc_time_rfc3339(&ts, when)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/download_url", .pattern = "/v1/storage/download-url/:file_id",
	.methods = SC_M_GET, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
