/* DELETE /v1/conversations/:id/participants/:user_id - leave a group (the
 * caller's own id), or remove another member (group admins only: 403 for
 * others). 404 when the conversation does not exist or the user is not a
 * member; 403 for a non-member caller; 400 for a direct conversation (hide
 * it with DELETE /v1/conversations/:id).
 *
 * In the same statement: when no admin would remain, the oldest remaining
 * member (joined_at, then user_id) becomes one; when nobody would remain, the
 * conversation is deleted. 200 {conversation_id, user_id, removed_by,
 * promoted_admin_id, conversation_deleted}; conversation.member_removed
 * {conversation_id, user_id, removed_by, promoted_admin_id} goes to the
 * remaining members and to the removed user, whose presence peers caches
 * are forgotten (sc_presence.h). */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_json.h"
#include "sc_presence.h"
#include "sc_row.h"

#include <string.h>

/* $1 conversation, $2 caller, $3 the member to remove. One row when the
 * conversation exists: member, type, role (the caller's), target is a member,
 * removed, promoted (user id or NULL), conversation deleted, the remaining
 * members (csv). */
static const char SQL_REMOVE[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") ", "
    "tgt AS (SELECT p.user_id FROM conversation_participants p, acc "
    "        WHERE p.conversation_id = acc.conversation_id AND p.user_id = $3::uuid), "
    "ok AS (SELECT acc.conversation_id FROM acc WHERE acc.member AND acc.type = 'group' "
    "       AND ($3::uuid = $2::uuid OR acc.role = 'admin') AND EXISTS (SELECT 1 FROM tgt)), "
    "rest AS (SELECT p.user_id, p.role, p.joined_at FROM conversation_participants p "
    "         JOIN ok ON ok.conversation_id = p.conversation_id WHERE p.user_id <> $3::uuid), "
    "del AS (DELETE FROM conversation_participants p USING ok "
    "        WHERE p.conversation_id = ok.conversation_id AND p.user_id = $3::uuid "
    "        RETURNING p.user_id), "
    "heir AS (SELECT r.user_id FROM rest r WHERE NOT EXISTS (SELECT 1 FROM rest a WHERE a.role = 'admin') "
    "         ORDER BY r.joined_at, r.user_id LIMIT 1), "
    "pro AS (UPDATE conversation_participants p SET role = 'admin' FROM ok, heir "
    "        WHERE p.conversation_id = ok.conversation_id AND p.user_id = heir.user_id "
    "          AND EXISTS (SELECT 1 FROM del) RETURNING p.user_id), "
    "gone AS (DELETE FROM conversations c USING ok "
    "         WHERE c.conversation_id = ok.conversation_id AND EXISTS (SELECT 1 FROM del) "
    "           AND NOT EXISTS (SELECT 1 FROM rest) RETURNING c.conversation_id) "
    "SELECT acc.member, acc.type, acc.role, EXISTS (SELECT 1 FROM tgt), EXISTS (SELECT 1 FROM del), "
    "  (SELECT user_id FROM pro), EXISTS (SELECT 1 FROM gone), "
    "  (SELECT string_agg(user_id::text, ',') FROM rest) "
    "FROM acc";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");
	const char *target = sc_route_param(&req->params, "user_id");
	const char *p[3] = { id, req->user.user_id, target }, *rest, *errstr;
	int self = strcmp(target, req->user.user_id) == 0, gone;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	/* not retried: after a lost answer the member is gone and a retry says 404 */
	if (sc_db_exec(req->db, req->arena, SQL_REMOVE, 3, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "conversation");
	if (strcmp(PQgetvalue(res, 0, 1), "group") != 0)
		return sc_verr_set(&e, "user_id", "a direct conversation cannot be left; "
		    "hide it with DELETE /v1/conversations/:id"), sc_resp_verr(resp, &e);
	if (!self && strcmp(PQgetvalue(res, 0, 2), "admin") != 0)
		return sc_resp_error(resp, 403, "only an admin can remove another member");
	if (!sc_row_is_true(res, 0, 3) || !sc_row_is_true(res, 0, 4))
		return sc_resp_error(resp, 404, "no such participant");
	gone = sc_row_is_true(res, 0, 6);
	rest = PQgetisnull(res, 0, 7) ? "" : PQgetvalue(res, 0, 7);
	o = json_object_new_object();
	json_object_object_add(o, "conversation_id", json_object_new_string(id));
	json_object_object_add(o, "user_id", json_object_new_string(target));
	json_object_object_add(o, "removed_by", json_object_new_string(req->user.user_id));
	json_object_object_add(o, "promoted_admin_id", sc_row_text(res, 0, 5));
	if (gone)
		sc_conv_cache(req->redis, SC_CONV_CACHE_DROP, id, NULL);
	else
		sc_conv_cache(req->redis, SC_CONV_CACHE_REMOVE, id, target);
	{
		const char *all = sc_arena_printf(req->arena, "%s,%s", rest, target);
		sc_presence_peers_forget(req->redis, all);
		sc_events_publish(req->redis, all, "conversation.member_removed", o, &errstr);
	}
	json_object_object_add(o, "conversation_deleted", json_object_new_boolean(gone));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "conversations/participant",
	.pattern = "/v1/conversations/:id/participants/:user_id",
	.methods = SC_M_DELETE, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
