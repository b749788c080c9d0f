/* DELETE /v1/messages/:id/reactions/:emoji - take back one of the caller's
 * reactions. The emoji is percent-encoded in the path (/reactions/%F0%9F%91%8D)
 * and decoded by the router (sc_route: valid UTF-8, no NUL).
 *
 * Members of the message's conversation only (403; 404 for an unknown
 * message); 404 when the caller has no such reaction. A block or a deleted
 * message does not stop taking a reaction back. 200 {message_id, user_id,
 * emoji, removed:true}; message.reaction {..., added:false} to the members. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_reaction.h"
#include "sc_row.h"

/* $1 message, $2 caller, $3 emoji. No row when the message does not exist;
 * else: conversation_id, member, removed, members (csv). */
static const char SQL_UNREACT[] =
    "WITH " SC_SQL_MSG_ACCESS("$1::uuid", "$2::uuid") ", "
    "del AS (DELETE FROM message_reactions r USING acc "
    "        WHERE acc.member AND r.message_id = $1::uuid AND r.user_id = $2::uuid "
    "          AND r.emoji = $3 RETURNING r.message_id) "
    "SELECT acc.conversation_id, acc.member, EXISTS (SELECT 1 FROM del), "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p "
    "   WHERE p.conversation_id = acc.conversation_id) "
    "FROM acc";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *mid = sc_route_param(&req->params, "id");
	const char *emoji = sc_route_param(&req->params, "emoji"), *p[3];
	PGresult *res;
	sc_db_err err;
	json_object *o;

	p[0] = mid;
	p[1] = req->user.user_id;
	p[2] = emoji;
	if (sc_db_exec(req->db, req->arena, SQL_UNREACT, 3, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 1))
		return sc_conv_denied(resp, PQntuples(res) == 1, "message");
	if (!sc_row_is_true(res, 0, 2))
		return sc_resp_error(resp, 404, "you have no such reaction on this message");
	o = json_object_new_object();
	json_object_object_add(o, "message_id", json_object_new_string(mid));
	json_object_object_add(o, "user_id", json_object_new_string(req->user.user_id));
	json_object_object_add(o, "emoji", json_object_new_string(emoji));
	json_object_object_add(o, "removed", json_object_new_boolean(1));
	sc_reaction_publish(req->redis, PQgetvalue(res, 0, 3), mid, PQgetvalue(res, 0, 0),
	    req->user.user_id, emoji, 0);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "messages/reaction", .pattern = "/v1/messages/:id/reactions/:emoji",
	.methods = SC_M_DELETE, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
