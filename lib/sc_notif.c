/* sc_notif.c - notifications and preferences as JSON (sc_notif.h). */
#include "sc_notif.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_row.h"

const char *const sc_notif_pref_names[SC_NOTIF_NPREFS] = {
	"push_enabled", "email_enabled", "message_enabled", "call_enabled",
	"friend_request_enabled", "system_enabled",
};

const char sc_notif_sql_prefs[] =
    "SELECT COALESCE(p.push_enabled, true), COALESCE(p.email_enabled, true), "
    "  COALESCE(p.message_enabled, true), COALESCE(p.call_enabled, true), "
    "  COALESCE(p.friend_request_enabled, true), COALESCE(p.system_enabled, true), "
    "  ARRAY(SELECT m.conversation_id FROM notification_mutes m WHERE m.user_id = x.user_id "
    "        ORDER BY m.created_at, m.conversation_id) "
    "FROM (SELECT $1::uuid AS user_id) x "
    "LEFT JOIN notification_preferences p ON p.user_id = x.user_id";

json_object *sc_notif_json(const PGresult *res, int row, int col)
{
	json_object *o = json_object_new_object(), *data = sc_row_json(res, row, col + 4);

	json_object_object_add(o, "notification_id", sc_row_text(res, row, col));
	json_object_object_add(o, "type", sc_row_text(res, row, col + 1));
	json_object_object_add(o, "title", sc_row_text(res, row, col + 2));
	json_object_object_add(o, "body", sc_row_text(res, row, col + 3));
	json_object_object_add(o, "data", data != NULL ? data : json_object_new_object());
	json_object_object_add(o, "read", sc_row_bool(res, row, col + 5));
	json_object_object_add(o, "read_at", sc_row_text(res, row, col + 6));
	json_object_object_add(o, "created_at", sc_row_text(res, row, col + 7));
	return o;
}

int sc_notif_denied(sc_resp *resp, int found)
{
	if (!found)
		return sc_resp_error(resp, 404, "no such notification");
	return sc_resp_error(resp, 403, "not your notification");
}

int sc_notif_change(sc_req *req, sc_resp *resp, const char *sql, PGresult **res)
{
	const char *p[2] = { sc_route_param(&req->params, "id"), req->user.user_id };
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, sql, 2, p, SC_DB_RETRY, res, &err) < 0) {
		sc_app_db_error(resp, &err);
		return -1;
	}
	if (PQntuples(*res) != 1 || !sc_row_is_true(*res, 0, 0))
		return sc_notif_denied(resp, PQntuples(*res) == 1);
	return 0;
}

json_object *sc_notif_prefs_json(const PGresult *res, int row, int col)
{
	json_object *o = json_object_new_object();
	int i;

	for (i = 0; i < SC_NOTIF_NPREFS; i++)
		json_object_object_add(o, sc_notif_pref_names[i], sc_row_bool(res, row, col + i));
	json_object_object_add(o, "muted_conversations",
	    sc_row_uuid_array(res, row, col + SC_NOTIF_NPREFS));
	return o;
}
