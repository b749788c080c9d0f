/* GET /v1/storage/files?limit=&cursor= - the caller's files, newest first:
 * {files:[file], next_cursor, has_more}. Completed files and pending uploads
 * (they count against the quota, and may be deleted to free it); deleted
 * files are not listed. Keyset on (created_at, file_id) over files_owner. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_page.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

#define KIND "storage.files"

/* Up to $4 files of $1 after the position ($2 created_at in microseconds, $3
 * file_id; NULL: the first page): the file and its position. */
static const char SQL_LIST[] =
    "SELECT " SC_FILE_COLS ", (extract(epoch FROM f.created_at) * 1000000)::bigint "
    "FROM files f WHERE f.user_id = $1::uuid AND f.status <> 'deleted' "
    "  AND ($2::bigint IS NULL OR (f.created_at, f.file_id) < "
    "      (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid)) "
    "ORDER BY f.created_at DESC, f.file_id DESC LIMIT $4::int";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *after[2] = { NULL, NULL }, *p[4];
	char lim[24], fid[SC_UUID_STRLEN + 1];
	long long limit, pos;
	int have, rows, i;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *arr;

	if (sc_page_limit(req, &limit, &e) < 0 ||
	    (have = sc_page_cursor(req, KIND, 2, after, &e)) < 0)
		return sc_resp_verr(resp, &e);
	if (have && (sc_parse_i64(after[0], strlen(after[0]), 0, (long long)9e18, &pos) < 0 ||
	    !sc_uuid_parse(after[1], strlen(after[1]), fid)))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = have ? after[0] : NULL;
	p[2] = have ? fid : NULL;
	p[3] = lim;
	if (sc_db_exec(req->db, req->arena, SQL_LIST, 4, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	arr = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++)
		json_object_array_add(arr, sc_file_json(res, i, 0));
	return sc_page_answer(req, resp, "files", arr, res, limit, KIND, 2,
	    (const int[]){ SC_FILE_NCOLS, 0 });
}

static const sc_endpoint ep = {
	.name = "storage/files", .pattern = "/v1/storage/files", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
