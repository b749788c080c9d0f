/* POST /v1/messages/:id/reactions {emoji} - react to a message.
 *
 * emoji: 1..32 bytes of UTF-8 without white space or control characters
 * (sc_reaction_emoji_valid). Members of the message's conversation only
 * (403; 404 for an unknown message); a block in a direct conversation 403;
 * a deleted message 404; the same reaction twice 409. 201 {message_id,
 * user_id, emoji, created_at}; message.reaction {..., added:true} to the
 * conversation's members. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_reaction.h"
#include "sc_row.h"

/* $1 message, $2 caller, $3 emoji. No row when the message does not exist;
 * else: conversation_id, member, blocked, deleted, created_at (NULL when not
 * inserted), members (csv). */
static const char SQL_REACT[] =
    "WITH " SC_SQL_MSG_ACCESS("$1::uuid", "$2::uuid") ", "
    "msg AS (SELECT m.message_id, m.deleted_at IS NOT NULL AS deleted FROM messages m "
    "        WHERE m.message_id = $1::uuid), "
    "ins AS (INSERT INTO message_reactions (message_id, user_id, emoji) "
    "        SELECT msg.message_id, $2::uuid, $3 FROM msg, acc "
    "        WHERE acc.member AND NOT acc.blocked AND NOT msg.deleted "
    "        ON CONFLICT (message_id, user_id, emoji) DO NOTHING "
    "        RETURNING " SC_SQL_TS("created_at") " AS created_at) "
    "SELECT acc.conversation_id, acc.member, acc.blocked, msg.deleted, "
    "  (SELECT created_at FROM ins), "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p "
    "   WHERE p.conversation_id = acc.conversation_id) "
    "FROM acc JOIN msg ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *mid = sc_route_param(&req->params, "id"), *emoji, *p[3], *conv;
	size_t n;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "emoji", SC_REQUIRED, 1, SC_REACTION_EMOJI_MAX, &emoji, &n,
	    &e) < 0 || !sc_reaction_emoji_valid(emoji, n))
		return sc_verr_set(&e, "emoji", "must be 1..%d bytes without white space or control "
		    "characters", SC_REACTION_EMOJI_MAX), sc_resp_verr(resp, &e);
	p[0] = mid;
	p[1] = req->user.user_id;
	p[2] = emoji;
	if (sc_db_exec(req->db, req->arena, SQL_REACT, 3, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 1))
		return sc_conv_denied(resp, PQntuples(res) == 1, "message");
	if (sc_row_is_true(res, 0, 2))
		return sc_resp_error(resp, 403, "a block stands between you and this conversation");
	if (sc_row_is_true(res, 0, 3))
		return sc_resp_error(resp, 404, "the message was deleted");
	if (PQgetisnull(res, 0, 4))
		return sc_resp_error(resp, 409, "you already reacted with this emoji");
	conv = PQgetvalue(res, 0, 0);
	o = json_object_new_object();
	json_object_object_add(o, "message_id", json_object_new_string(mid));
	json_object_object_add(o, "user_id", json_object_new_string(req->user.user_id));
	json_object_object_add(o, "emoji", json_object_new_string(emoji));
	json_object_object_add(o, "created_at", sc_row_text(res, 0, 4));
	sc_reaction_publish(req->redis, PQgetvalue(res, 0, 5), mid, conv, req->user.user_id,
	    emoji, 1);
	sc_resp_json(resp, 201, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "messages/reactions", .pattern = "/v1/messages/:id/reactions",
	.methods = SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
