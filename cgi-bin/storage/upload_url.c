/* POST /v1/storage/upload-url {file_name, file_size, content_type,
 * is_encrypted?, conversation_id?} - announce an upload and get where to PUT it.
 *
 * file_name: 1..255 bytes, no path parts (sc_file_name_valid); file_size:
 * 1..STORAGE_MAX_FILE_BYTES; content_type: a MIME type on STORAGE_ALLOWED_TYPES
 * (parameters such as "; charset=" are dropped; 415 naming content_type when
 * not allowed); conversation_id: the conversation the file is meant for, whose
 * member the caller must be (403; unknown 404). One statement checks the
 * conversation, reserves file_size bytes of the caller's quota (pending
 * uploads count: 403 QUOTA_EXCEEDED when it would pass STORAGE_QUOTA_BYTES,
 * also under concurrent requests) and inserts the file as 'uploading'.
 * 200 {file_id, upload_url, upload_method:"PUT", upload_headers, expires_at}:
 * the URL is signed for STORAGE_UPLOAD_URL_SECONDS (local: this server's
 * /v1/storage/upload/:file_id; s3: a presigned PUT to the store). */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_file.h"
#include "sc_row.h"
#include "sc_storage.h"
#include "sc_time.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <time.h>

/* $1 caller, $2 file_id, $3 its time (Unix ms), $4 file_name, $5 file_size,
 * $6 content_type, $7 is_encrypted, $8 conversation_id or NULL, $9 backend,
 * $10 object_key, $11 quota, $12 upload expiry (Unix s). One row: conversation
 * found, caller a member (both true without $8), then the new file
 * (SC_FILE_COLS; NULL when the quota refused it). */
static const char SQL_ANNOUNCE[] =
    "WITH cv AS (SELECT EXISTS (SELECT 1 FROM conversation_participants p "
    "             WHERE p.conversation_id = c.conversation_id AND p.user_id = $1::uuid) AS member "
    "            FROM conversations c WHERE c.conversation_id = $8::uuid), "
    "ok AS (SELECT $8::uuid IS NULL OR EXISTS (SELECT 1 FROM cv) AS found, "
    "       $8::uuid IS NULL OR coalesce((SELECT member FROM cv), false) AS member), "
    "q AS (UPDATE users u SET storage_used_bytes = u.storage_used_bytes + $5::bigint FROM ok "
    "      WHERE u.user_id = $1::uuid AND u.deleted_at IS NULL AND ok.member "
    "        AND u.storage_used_bytes + $5::bigint <= $11::bigint RETURNING u.user_id), "
    "f AS (INSERT INTO files (file_id, user_id, file_name, file_size, content_type, is_encrypted, "
    "        conversation_id, backend, object_key, created_at, upload_expires_at) "
    "      SELECT $2::uuid, q.user_id, $4, $5::bigint, $6, $7::boolean, $8::uuid, $9, $10, "
    "        timestamptz 'epoch' + $3::bigint * interval '1 millisecond', to_timestamp($12::bigint) "
    "      FROM q RETURNING *) "
    "SELECT ok.found, ok.member, " SC_FILE_COLS " FROM ok LEFT JOIN f ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	char id[SC_UUID_STRLEN + 1], conv[SC_UUID_STRLEN + 1], key[SC_FILE_KEY_LEN + 1];
	char type[SC_FILE_TYPE_MAX + 1], ms[24], sizes[24], quota[24], exps[24];
	char ts[SC_TIME_RFC3339_LEN];
	const char *name, *ctype, *backend = sc_storage_backend(), *p[12];
	long long size, msv, expires = (long long)time(NULL) +
	    sc_config_int(SC_CFG_STORAGE_UPLOAD_URL_SECONDS);
	struct timespec exp_ts = { 0, 0 };
	size_t nlen, tlen;
	int enc = 0, has_conv;
	char *url;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *o, *h;

	if (sc_json_get_str(req->json, "file_name", SC_REQUIRED, 1, SC_FILE_NAME_MAX, &name, &nlen,
	    &e) < 0 || !sc_file_name_valid(name, nlen))
		return sc_resp_bad(resp, "file_name", "must be 1..255 bytes without '/', '\\', "
		    "control or bidirectional characters, and not \".\" or \"..\"");
	if (sc_json_get_int(req->json, "file_size", SC_REQUIRED, 1,
	    sc_config_int(SC_CFG_STORAGE_MAX_FILE_BYTES), &size, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_json_get_str(req->json, "content_type", SC_REQUIRED, 1, SC_FILE_TYPE_MAX, &ctype,
	    &tlen, &e) < 0 || sc_file_type_parse(ctype, tlen, type) < 0)
		return sc_resp_bad(resp, "content_type", "must be a MIME type such as image/png");
	if (!sc_file_type_allowed(type)) {
		sc_resp_error(resp, 415, "content_type: this type of file is not accepted");
		resp->err_field = "content_type";
		return -1;
	}
	if (sc_json_get_bool(req->json, "is_encrypted", SC_OPTIONAL, &enc, &e) < 0 ||
	    (has_conv = sc_json_get_uuid(req->json, "conversation_id", SC_OPTIONAL, conv, &e)) < 0)
		return sc_resp_verr(resp, &e);

	sc_uuid_v7(id, &msv);
	if (sc_file_object_key(req->user.user_id, id, key) < 0 ||
	    sc_storage_upload_url(req->arena, backend, id, key, size, type, expires, &url) < 0)
		return sc_resp_fail(resp, "cannot make the upload URL");
	snprintf(ms, sizeof(ms), "%lld", msv);
	snprintf(sizes, sizeof(sizes), "%lld", size);
	snprintf(quota, sizeof(quota), "%lld", sc_config_int(SC_CFG_STORAGE_QUOTA_BYTES));
	snprintf(exps, sizeof(exps), "%lld", expires);
	p[0] = req->user.user_id;
	p[1] = id;
	p[2] = ms;
	p[3] = name;
	p[4] = sizes;
	p[5] = type;
	p[6] = enc ? "true" : "false";
	p[7] = has_conv ? conv : NULL;
	p[8] = backend;
	p[9] = key;
	p[10] = quota;
	p[11] = exps;
	/* not retried: a lost answer after the commit would reserve the quota twice */
	if (sc_db_exec(req->db, req->arena, SQL_ANNOUNCE, 12, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "upload-url returned no row");
	if (!sc_row_is_true(res, 0, 0) || !sc_row_is_true(res, 0, 1)) {
		sc_conv_denied(resp, sc_row_is_true(res, 0, 0), "conversation");
		resp->err_field = "conversation_id";
		return -1;
	}
	if (PQgetisnull(res, 0, 2))
		return sc_resp_error_code(resp, 403, "QUOTA_EXCEEDED",
		    "this upload would exceed your storage quota; delete files to make room");
	exp_ts.tv_sec = (time_t)expires;
	o = json_object_new_object();
	json_object_object_add(o, "file_id", json_object_new_string(id));
	json_object_object_add(o, "upload_url", json_object_new_string(url));
	json_object_object_add(o, "upload_method", json_object_new_string("PUT"));
	h = json_object_new_object();
	json_object_object_add(h, "Content-Type", json_object_new_string(type));
	json_object_object_add(o, "upload_headers", h);
	json_object_object_add(o, "expires_at", json_object_new_string(sc_time_rfc3339(&exp_ts, ts)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/upload_url", .pattern = "/v1/storage/upload-url", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
