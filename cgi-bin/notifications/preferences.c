/* /v1/notifications/preferences - what the caller wants to be told about.
 *
 * GET - {push_enabled, email_enabled, message_enabled, call_enabled,
 *   friend_request_enabled, system_enabled, muted_conversations:[ids]}
 *   (sc_notif.h; every kind enabled for a user who never changed anything).
 * PATCH - any of the booleans, mute_conversation_id, unmute_conversation_id;
 *   200 with the full preferences after the change. A field of the wrong type
 *   is 400 naming it (null counts as absent); unknown fields are ignored; a
 *   body with none of these fields is 400. Muting a conversation the caller is
 *   not a member of: 403 when it exists, 404 when not; then nothing changes.
 *   Unmuting one that is not muted is fine (200). Muting and unmuting the same
 *   conversation at once is 400. One statement. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_notif.h"
#include "sc_row.h"

#include <string.h>

/* $1 caller, $2..$7 the booleans (NULL: unchanged), $8 conversation to mute,
 * $9 to unmute (NULL: none). One row: go (the mute may be done), found (the
 * conversation to mute exists), then the preferences as sc_notif_sql_prefs
 * gives them, after the change. The final SELECT sees the tables as they were
 * before the statement, so it combines them with what the CTEs returned. */
static const char SQL_PATCH[] =
    "WITH acc AS (SELECT c.conversation_id, EXISTS (SELECT 1 FROM conversation_participants cp "
    "  WHERE cp.conversation_id = c.conversation_id AND cp.user_id = $1::uuid) AS member "
    "  FROM conversations c WHERE c.conversation_id = $8::uuid), "
    "chk AS (SELECT $8::uuid IS NULL OR EXISTS (SELECT 1 FROM acc WHERE acc.member) AS go, "
    "  EXISTS (SELECT 1 FROM acc) AS found), "
    "mute AS (INSERT INTO notification_mutes (user_id, conversation_id) "
    "  SELECT $1::uuid, acc.conversation_id FROM acc WHERE acc.member "
    "  ON CONFLICT DO NOTHING RETURNING conversation_id, created_at), "
    "unmute AS (DELETE FROM notification_mutes m USING chk WHERE chk.go "
    "  AND m.user_id = $1::uuid AND m.conversation_id = $9::uuid RETURNING m.conversation_id), "
    "old AS (SELECT * FROM notification_preferences WHERE user_id = $1::uuid), "
    "up AS (INSERT INTO notification_preferences AS p (user_id, push_enabled, email_enabled, "
    "    message_enabled, call_enabled, friend_request_enabled, system_enabled) "
    "  SELECT $1::uuid, COALESCE($2::boolean, true), COALESCE($3::boolean, true), "
    "    COALESCE($4::boolean, true), COALESCE($5::boolean, true), COALESCE($6::boolean, true), "
    "    COALESCE($7::boolean, true) FROM chk "
    "  WHERE chk.go AND ($2::boolean, $3::boolean, $4::boolean, $5::boolean, $6::boolean, "
    "    $7::boolean) IS DISTINCT FROM (NULL::boolean, NULL::boolean, NULL::boolean, "
    "    NULL::boolean, NULL::boolean, NULL::boolean) "
    "  ON CONFLICT (user_id) DO UPDATE SET "
    "    push_enabled = COALESCE($2::boolean, p.push_enabled), "
    "    email_enabled = COALESCE($3::boolean, p.email_enabled), "
    "    message_enabled = COALESCE($4::boolean, p.message_enabled), "
    "    call_enabled = COALESCE($5::boolean, p.call_enabled), "
    "    friend_request_enabled = COALESCE($6::boolean, p.friend_request_enabled), "
    "    system_enabled = COALESCE($7::boolean, p.system_enabled), updated_at = now() "
    "  RETURNING p.*) "
    "SELECT chk.go, chk.found, "
    "  COALESCE(up.push_enabled, old.push_enabled, true), "
    "  COALESCE(up.email_enabled, old.email_enabled, true), "
    "  COALESCE(up.message_enabled, old.message_enabled, true), "
    "  COALESCE(up.call_enabled, old.call_enabled, true), "
    "  COALESCE(up.friend_request_enabled, old.friend_request_enabled, true), "
    "  COALESCE(up.system_enabled, old.system_enabled, true), "
    "  ARRAY(SELECT z.conversation_id FROM ("
    "    SELECT m.conversation_id, m.created_at FROM notification_mutes m "
    "    WHERE m.user_id = $1::uuid "
    "      AND NOT EXISTS (SELECT 1 FROM unmute u WHERE u.conversation_id = m.conversation_id) "
    "    UNION ALL SELECT conversation_id, created_at FROM mute) z "
    "    ORDER BY z.created_at, z.conversation_id) "
    "FROM chk LEFT JOIN old ON true LEFT JOIN up ON true";

static int get(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, sc_notif_sql_prefs, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "preferences returned no row");
	sc_resp_json(resp, 200, sc_notif_prefs_json(res, 0, 0));
	return 0;
}

static int patch(sc_req *req, sc_resp *resp)
{
	const char *p[9] = { req->user.user_id };
	char mute[SC_UUID_STRLEN + 1], unmute[SC_UUID_STRLEN + 1];
	int i, v, any = 0, rc_m, rc_u;
	sc_verr e;
	PGresult *res;
	sc_db_err err;

	for (i = 0; i < SC_NOTIF_NPREFS; i++) {
		int rc = sc_json_get_bool(req->json, sc_notif_pref_names[i], SC_OPTIONAL, &v, &e);
		if (rc < 0)
			return sc_resp_verr(resp, &e);
		p[1 + i] = rc == 1 ? (v ? "true" : "false") : NULL;
		any |= rc == 1;
	}
	if ((rc_m = sc_json_get_uuid(req->json, "mute_conversation_id", SC_OPTIONAL, mute, &e)) < 0 ||
	    (rc_u = sc_json_get_uuid(req->json, "unmute_conversation_id", SC_OPTIONAL, unmute,
	    &e)) < 0)
		return sc_resp_verr(resp, &e);
	if (!any && rc_m != 1 && rc_u != 1)
		return sc_verr_set(&e, "push_enabled", "give at least one preference, "
		    "mute_conversation_id or unmute_conversation_id"), sc_resp_verr(resp, &e);
	if (rc_m == 1 && rc_u == 1 && strcmp(mute, unmute) == 0)
		return sc_verr_set(&e, "unmute_conversation_id", "cannot mute and unmute the same "
		    "conversation"), sc_resp_verr(resp, &e);
	p[7] = rc_m == 1 ? mute : NULL;
	p[8] = rc_u == 1 ? unmute : NULL;
	if (sc_db_exec(req->db, req->arena, SQL_PATCH, 9, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "preferences update returned no row");
	if (!sc_row_is_true(res, 0, 0))
		return sc_row_is_true(res, 0, 1) ?
		    sc_resp_error(resp, 403, "not a member of this conversation") :
		    sc_resp_error(resp, 404, "no such conversation");
	sc_resp_json(resp, 200, sc_notif_prefs_json(res, 0, 2));
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	switch (req->method_bit) {
	case SC_M_GET:
	case SC_M_HEAD:
		return get(req, resp);
	case SC_M_PATCH:
		return patch(req, resp);
	}
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "notifications/preferences", .pattern = "/v1/notifications/preferences",
	.methods = SC_M_GET | SC_M_PATCH, .body_cap = 4096,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
