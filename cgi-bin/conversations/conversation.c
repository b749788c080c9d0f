/* /v1/conversations/:id
 *
 * GET - the conversation object; 403 for a non-member, 404 when there is no
 *   such conversation.
 * PATCH {title?, avatar_url?} - rename or change the picture. title: 1..100
 *   characters; avatar_url: an https URL, or null to clear it. Group: admins
 *   only; direct: either participant, unless a block stands between them.
 *   400 when neither field is given. 200 with the conversation;
 *   conversation.updated goes to every member.
 * DELETE - group: admins only; the conversation is deleted with its
 *   participants and messages, conversation.deleted {conversation_id} goes
 *   to the members it had, their presence peers caches are forgotten
 *   (sc_presence.h) and its membership cache is dropped. Direct: hidden
 *   for the caller only (until the next message; membership and so presence
 *   are unchanged); no event. 200
 *   {conversation_id, deleted, hidden}. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_json.h"
#include "sc_presence.h"
#include "sc_row.h"

#include <string.h>

/* $1 conversation, $2 caller: member, then the conversation (SC_CONV_COLS)
 * when the caller is a member; no row when it does not exist. */
static const char SQL_GET[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") " "
    "SELECT acc.member, " SC_CONV_COLS " FROM acc "
    "LEFT JOIN conversations c ON c.conversation_id = acc.conversation_id AND acc.member";

/* $1 conversation, $2 caller. A group admin deletes a group (the cascade
 * takes participants and messages); a participant of a direct conversation
 * hides it for itself. One row when it exists: member, role, type, deleted,
 * hidden, the members it had (csv, only when deleted). */
static const char SQL_DELETE[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") ", "
    "del AS (DELETE FROM conversations c USING acc "
    "        WHERE c.conversation_id = acc.conversation_id AND acc.member "
    "          AND acc.type = 'group' AND acc.role = 'admin' RETURNING c.conversation_id), "
    "hid AS (UPDATE conversation_participants p SET hidden_at = now() FROM acc "
    "        WHERE p.conversation_id = acc.conversation_id AND p.user_id = $2::uuid "
    "          AND acc.type = 'direct' RETURNING p.user_id) "
    "SELECT acc.member, acc.role, acc.type, EXISTS (SELECT 1 FROM del), EXISTS (SELECT 1 FROM hid), "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p, del "
    "   WHERE p.conversation_id = del.conversation_id) "
    "FROM acc";

static int get(sc_req *req, sc_resp *resp, const char *id)
{
	const char *p[2] = { id, req->user.user_id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_GET, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "conversation");
	sc_resp_json(resp, 200, sc_conv_json(res, 0, 1));
	return 0;
}

static int patch(sc_req *req, sc_resp *resp, const char *id)
{
	sc_conv_change ch = { 0 };
	json_object *v, *conv;
	sc_verr e;

	if (json_object_object_get_ex(req->json, "title", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    !sc_conv_title_valid(json_object_get_string(v), (size_t)json_object_get_string_len(v)))
			return sc_verr_set(&e, "title", "must be 1..100 characters, not blank, "
			    "no control characters"), sc_resp_verr(resp, &e);
		ch.set_title = 1;
		ch.title = json_object_get_string(v);
	}
	if (json_object_object_get_ex(req->json, "avatar_url", &v)) {
		/* null clears the picture */
		ch.set_avatar_url = 1;
		ch.avatar_url = v != NULL && json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : NULL;
		if (v != NULL && (ch.avatar_url == NULL || !sc_user_https_url_valid(ch.avatar_url,
		    (size_t)json_object_get_string_len(v))))
			return sc_verr_set(&e, "avatar_url", "must be an https URL or null"),
			    sc_resp_verr(resp, &e);
	}
	if (!ch.set_title && !ch.set_avatar_url)
		return sc_verr_set(&e, "title", "give title or avatar_url"), sc_resp_verr(resp, &e);
	if (sc_conv_update(req, resp, id, &ch, &conv) < 0)
		return -1;
	sc_resp_json(resp, 200, conv);
	return 0;
}

static int del(sc_req *req, sc_resp *resp, const char *id)
{
	const char *p[2] = { id, req->user.user_id }, *errstr;
	PGresult *res;
	sc_db_err err;
	json_object *o;
	int deleted, hidden;

	/* deleting or hiding twice ends the same way: safe to retry */
	if (sc_db_exec(req->db, req->arena, SQL_DELETE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "conversation");
	deleted = sc_row_is_true(res, 0, 3);
	hidden = sc_row_is_true(res, 0, 4);
	if (!deleted && !hidden)
		return sc_resp_error(resp, 403, "only an admin can delete a group; leave it instead");
	o = json_object_new_object();
	json_object_object_add(o, "conversation_id", json_object_new_string(id));
	if (deleted) {
		const char *members = PQgetisnull(res, 0, 5) ? NULL : PQgetvalue(res, 0, 5);
		sc_conv_cache(req->redis, SC_CONV_CACHE_DROP, id, NULL);
		sc_presence_peers_forget(req->redis, members);
		sc_events_publish(req->redis, members, "conversation.deleted", o, &errstr);
	}
	json_object_object_add(o, "deleted", json_object_new_boolean(deleted));
	json_object_object_add(o, "hidden", json_object_new_boolean(hidden));
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");

	switch (req->method_bit) {
	case SC_M_GET:
	case SC_M_HEAD:
		return get(req, resp, id);
	case SC_M_PATCH:
		return patch(req, resp, id);
	case SC_M_DELETE:
		return del(req, resp, id);
	}
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "conversations/conversation", .pattern = "/v1/conversations/:id",
	.methods = SC_M_GET | SC_M_PATCH | SC_M_DELETE,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
