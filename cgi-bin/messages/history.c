/* GET /v1/messages/:id/history - the earlier texts of an edited message,
 * oldest first, each with the time it was replaced:
 * {versions:[{content, edited_at}]}. For members of its conversation (403
 * for others, 404 when unknown). A deleted message has no versions (its
 * history was deleted with it); a message never edited has none either. At
 * most SC_MSG_EDITS_MAX versions exist, so the answer is not paged. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_msg.h"
#include "sc_row.h"

/* $1 message, $2 caller. No row: no such message. Columns: member, content,
 * edited_at (NULL when there are no versions to show). */
static const char SQL_HISTORY[] =
    "WITH " SC_MSG_SQL_LOOKUP("$2::uuid", "") " "
    "SELECT acc.member, e.content, " SC_SQL_TS("e.edited_at") " FROM lk JOIN acc ON true "
    "LEFT JOIN message_edits e ON acc.member AND lk.deleted_at IS NULL "
    "  AND e.message_id = lk.message_id "
    "ORDER BY e.edited_at";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[2] = { sc_route_param(&req->params, "id"), req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o, *arr;
	int i, rows;

	if (sc_db_exec(req->db, req->arena, SQL_HISTORY, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	if (rows == 0 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, rows > 0, "message");
	arr = json_object_new_array();
	for (i = 0; i < rows; i++) {
		json_object *v;
		if (PQgetisnull(res, i, 2))
			continue;
		v = json_object_new_object();
		json_object_object_add(v, "content", sc_row_text(res, i, 1));
		json_object_object_add(v, "edited_at", sc_row_text(res, i, 2));
		json_object_array_add(arr, v);
	}
	o = json_object_new_object();
	json_object_object_add(o, "versions", arr);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "messages/history", .pattern = "/v1/messages/:id/history", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
