/* POST /v1/messages/read {conversation_id, last_message_id} - move the
 * caller's read marker in a conversation forward.
 *
 * The caller must be a member (403; 404 for an unknown conversation) and the
 * message must be in that conversation (404 naming it; a tombstone counts).
 * The marker only moves forward: message ids are UUIDv7, so a later message
 * has a greater id, and the UPDATE's own WHERE keeps an older id (or a
 * concurrent call with an older id) from moving it back. 200
 * {conversation_id, last_read_message_id} with the marker after the call.
 * When it moved, read.updated {conversation_id, user_id, last_read_message_id}
 * goes to every member (the reader's other devices included); when the reader
 * turned read receipts off, or a block stands in a direct conversation, only
 * to the reader. No event when the marker did not move. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_reaction.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <string.h>

/* $1 conversation, $2 caller, $3 message. No row when the conversation does
 * not exist; else: member, message found, moved, the marker after, tell the
 * others (read receipts on and no block), members (csv). */
static const char SQL_READ[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") ", "
    "msg AS (SELECT m.message_id FROM messages m JOIN acc ON acc.member "
    "          AND m.conversation_id = acc.conversation_id WHERE m.message_id = $3::uuid), "
    "upd AS (UPDATE conversation_participants p SET last_read_message_id = msg.message_id "
    "        FROM msg WHERE p.conversation_id = $1::uuid AND p.user_id = $2::uuid "
    "          AND (p.last_read_message_id IS NULL OR p.last_read_message_id < msg.message_id) "
    "        RETURNING p.last_read_message_id) "
    "SELECT acc.member, msg.message_id IS NOT NULL, EXISTS (SELECT 1 FROM upd), "
    "  COALESCE((SELECT last_read_message_id FROM upd), "
    "    (SELECT p.last_read_message_id FROM conversation_participants p "
    "     WHERE p.conversation_id = $1::uuid AND p.user_id = $2::uuid)), "
    "  (SELECT u.read_receipts FROM users u WHERE u.user_id = $2::uuid) AND NOT acc.blocked, "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p "
    "   WHERE p.conversation_id = $1::uuid) "
    "FROM acc LEFT JOIN msg ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	char conv[SC_UUID_STRLEN + 1], mid[SC_UUID_STRLEN + 1];
	const char *p[3], *errstr, *marker, *to;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_uuid(req->json, "conversation_id", SC_REQUIRED, conv, &e) < 0 ||
	    sc_json_get_uuid(req->json, "last_message_id", SC_REQUIRED, mid, &e) < 0)
		return sc_resp_verr(resp, &e);
	p[0] = conv;
	p[1] = req->user.user_id;
	p[2] = mid;
	/* retrying is safe: the marker only moves forward */
	if (sc_db_exec(req->db, req->arena, SQL_READ, 3, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "conversation");
	if (!sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 404, sc_arena_printf(req->arena,
		    "no such message in this conversation: %s", mid));
	marker = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	o = json_object_new_object();
	json_object_object_add(o, "conversation_id", json_object_new_string(conv));
	json_object_object_add(o, "last_read_message_id",
	    marker != NULL ? json_object_new_string(marker) : NULL);
	if (sc_row_is_true(res, 0, 2)) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "conversation_id", json_object_new_string(conv));
		json_object_object_add(d, "user_id", json_object_new_string(req->user.user_id));
		json_object_object_add(d, "last_read_message_id", json_object_new_string(mid));
		to = sc_row_is_true(res, 0, 4) && !PQgetisnull(res, 0, 5) ? PQgetvalue(res, 0, 5)
		    : req->user.user_id;
		sc_events_publish(req->redis, to, "read.updated", d, &errstr);
		json_object_put(d);
	}
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "messages/read", .pattern = "/v1/messages/read", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
