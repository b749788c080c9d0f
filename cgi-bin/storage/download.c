/* GET /v1/storage/download/:file_id?expires=&sig= - the bytes of a file of
 * the local backend (the download_url of GET /v1/storage/download-url/:file_id).
 *
 * Public: the signature is the authorization (sc_fsign, method GET, also for
 * HEAD; 403 when missing, altered, for another file or method, or expired).
 * A file that is unknown, deleted, not completed or not stored here 404. The
 * answer carries no body: X-Sendfile names STORAGE_DIR/<object_key> and the
 * web server streams the file (lighttpd "x-sendfile", Apache mod_xsendfile,
 * both enabled for this program only and confined to STORAGE_DIR), which
 * also answers range requests (206) and conditional ones. Headers: the
 * stored Content-Type, Content-Disposition: attachment with the file name
 * (sc_file_disposition), and, as on every answer, X-Content-Type-Options:
 * nosniff and a Content-Security-Policy of default-src 'none'. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_fsign.h"
#include "sc_log.h"
#include "sc_storage.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The file $1 when it is completed: backend, object_key, file_name, content_type. */
static const char SQL_GET[] =
    "SELECT f.backend, f.object_key, f.file_name, f.content_type FROM files f "
    "WHERE f.file_id = $1::uuid AND f.status = 'completed'";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "file_id"), *p[1] = { id }, *name;
	char path[PATH_MAX], disp[SC_FILE_DISPOSITION_MAX];
	struct stat st;
	PGresult *res;
	sc_db_err err;
	int rc;

	/* a HEAD asks about the same URL as the GET it stands for */
	rc = sc_fsign_check("GET", id, sc_req_query(req, "expires"), sc_req_query(req, "sig"),
	    (long long)time(NULL));
	if (rc != SC_FSIGN_OK)
		return sc_resp_error(resp, 403, rc == SC_FSIGN_EXPIRED ? "this download URL has "
		    "expired" : "invalid download signature");
	if (sc_db_exec(req->db, req->arena, SQL_GET, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "local") != 0)
		return sc_resp_error(resp, 404, "no such file");
	name = PQgetvalue(res, 0, 2);
	if (sc_storage_local_path(PQgetvalue(res, 0, 1), path) < 0 ||
	    sc_file_disposition(name, strlen(name), disp) < 0)
		return sc_resp_fail(resp, "stored object key or file name is malformed");
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		sc_log(SC_LOG_ERROR, "a completed file has no bytes in STORAGE_DIR", "\"file_id\":\"%s\"",
		    id);
		return sc_resp_error(resp, 404, "no such file");
	}
	sc_resp_empty(resp, 200);
	sc_resp_header(resp, "Content-Type", PQgetvalue(res, 0, 3));
	sc_resp_header(resp, "Content-Disposition", disp);
	sc_resp_header(resp, "X-Sendfile", path);
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/download", .pattern = "/v1/storage/download/:file_id",
	.methods = SC_M_GET, .flags = SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
