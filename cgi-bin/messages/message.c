/* /v1/messages/:id
 *
 * GET - the message (a tombstone when deleted), for members of its
 *   conversation; 403 for others; 404 when unknown (or not a UUID).
 * PATCH {content} - edit: only the sender (403 for other members and for
 *   non-members, and in a direct conversation with a block either way); 409
 *   when the message is deleted, older than MESSAGE_EDIT_WINDOW_SECONDS, or
 *   was edited SC_MSG_EDITS_MAX times. The previous text goes to
 *   message_edits in the same statement. 200 with the message and edited_at;
 *   message.edited to the members. The same text again changes nothing
 *   (200, no new version, no event).
 * DELETE - soft delete by the sender or a group admin of the conversation
 *   (403 otherwise): deleted_at, the text, metadata and file_ids scrubbed, the
 *   edit history and reactions deleted, in one statement. 200 with the
 *   tombstone (again 200 and the same tombstone when already deleted);
 *   message.deleted {message_id, conversation_id, deleted_at} to the members. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_msg.h"
#include "sc_row.h"

#include <stdio.h>

/* $1 message, $2 caller. No row: no such message. Columns: member, the message. */
static const char SQL_GET[] =
    "WITH " SC_MSG_SQL_LOOKUP("$2::uuid", "") " "
    "SELECT acc.member, " SC_MSG_COLS " FROM lk m JOIN acc ON true";

/* $1 message, $2 caller, $3 content, $4 edit window (seconds), $5 SC_MSG_EDITS_MAX.
 * No row: no such message. Columns: member, mine, blocked, deleted, late,
 * edits_full, edited (this statement changed it), the message as it is now,
 * members (csv, when edited). The row lock orders concurrent edits: each one
 * reads the text the previous one left and records it. The edit time never
 * goes back, so the versions keep their order whatever the clock did. */
static const char SQL_EDIT[] =
    "WITH " SC_MSG_SQL_LOOKUP("$2::uuid", " FOR NO KEY UPDATE") ", "
    "chk AS (SELECT lk.message_id, lk.conversation_id, acc.member, lk.sender_id = $2::uuid AS mine, "
    "   acc.blocked, "
    "   lk.deleted_at IS NOT NULL AS deleted, "
    "   ($4::int = 0 OR lk.sent_at < now() - make_interval(secs => $4::int)) AS late, "
    "   (SELECT count(*) FROM message_edits e WHERE e.message_id = lk.message_id) >= $5::int "
    "     AS edits_full, "
    "   lk.content IS DISTINCT FROM $3 AS changed, "
    "   greatest(now(), coalesce(lk.edited_at, lk.sent_at) + interval '1 microsecond') AS ts "
    "   FROM lk JOIN acc ON true), "
    "ok AS (SELECT * FROM chk WHERE member AND mine AND NOT blocked AND NOT deleted "
    "       AND NOT late AND NOT edits_full AND changed), "
    "hist AS (INSERT INTO message_edits (message_id, content, edited_at) "
    "         SELECT lk.message_id, lk.content, ok.ts FROM lk JOIN ok USING (message_id)), "
    "upd AS (UPDATE messages m SET content = $3, edited_at = ok.ts FROM ok "
    "        WHERE m.message_id = ok.message_id RETURNING m.*) "
    "SELECT chk.member, chk.mine, chk.blocked, chk.deleted, chk.late, chk.edits_full, "
    "  EXISTS (SELECT 1 FROM upd), " SC_MSG_COLS ", "
    "  CASE WHEN EXISTS (SELECT 1 FROM upd) THEN " SC_MSG_SQL_MEMBERS("chk.conversation_id") " END "
    "FROM chk JOIN (SELECT * FROM upd UNION ALL SELECT * FROM lk "
    "               WHERE NOT EXISTS (SELECT 1 FROM upd)) m ON true";

/* $1 message, $2 caller. No row: no such message. Columns: member, may (the
 * sender or a group admin), deleted (by this statement), the message as it
 * is now (the tombstone), members (csv, when deleted now). */
static const char SQL_DELETE[] =
    "WITH " SC_MSG_SQL_LOOKUP("$2::uuid", " FOR NO KEY UPDATE") ", "
    "chk AS (SELECT lk.message_id, lk.conversation_id, acc.member, acc.member AND "
    "   (lk.sender_id = $2::uuid OR (acc.type = 'group' AND acc.role = 'admin')) AS may "
    "   FROM lk JOIN acc ON true), "
    "ok AS (SELECT chk.message_id FROM chk JOIN lk USING (message_id) "
    "       WHERE chk.may AND lk.deleted_at IS NULL), "
    "de AS (DELETE FROM message_edits e USING ok WHERE e.message_id = ok.message_id), "
    "dr AS (DELETE FROM message_reactions r USING ok WHERE r.message_id = ok.message_id), "
    "upd AS (UPDATE messages m SET deleted_at = now(), content = '', metadata = '{}', "
    "          file_ids = '{}' FROM ok WHERE m.message_id = ok.message_id RETURNING m.*) "
    "SELECT chk.member, chk.may, EXISTS (SELECT 1 FROM upd), " SC_MSG_COLS ", "
    "  CASE WHEN EXISTS (SELECT 1 FROM upd) THEN " SC_MSG_SQL_MEMBERS("chk.conversation_id") " END "
    "FROM chk JOIN (SELECT * FROM upd UNION ALL SELECT * FROM lk "
    "               WHERE NOT EXISTS (SELECT 1 FROM upd)) m ON true";

static int get(sc_req *req, sc_resp *resp, const char *const *p)
{
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_GET, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "message");
	sc_resp_json(resp, 200, sc_msg_json(res, 0, 1));
	return 0;
}

static int edit(sc_req *req, sc_resp *resp, const char *const *in)
{
	const char *p[5], *content, *errstr;
	char win[24], max[24];
	size_t clen;
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_msg_content(req->json, resp, &content, &clen) < 0)
		return -1;
	snprintf(win, sizeof(win), "%lld", sc_config_int(SC_CFG_MESSAGE_EDIT_WINDOW_SECONDS));
	snprintf(max, sizeof(max), "%d", SC_MSG_EDITS_MAX);
	p[0] = in[0];
	p[1] = in[1];
	p[2] = content;
	p[3] = win;
	p[4] = max;
	/* not retried: a resend after the first committed would record a version */
	if (sc_db_exec(req->db, req->arena, SQL_EDIT, 5, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "message");
	if (!sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 403, "only the sender may edit a message");
	if (sc_row_is_true(res, 0, 2))
		return sc_resp_error(resp, 403, "a block stands between you and the other participant");
	if (sc_row_is_true(res, 0, 3))
		return sc_resp_error(resp, 409, "the message is deleted");
	if (sc_row_is_true(res, 0, 4))
		return sc_resp_error(resp, 409, "the edit window of this message has passed");
	if (sc_row_is_true(res, 0, 5))
		return sc_resp_error(resp, 409, "this message was edited too many times");
	o = sc_msg_json(res, 0, 7);
	if (sc_row_is_true(res, 0, 6))
		sc_events_publish(req->redis, PQgetisnull(res, 0, 7 + SC_MSG_NCOLS) ? NULL :
		    PQgetvalue(res, 0, 7 + SC_MSG_NCOLS), "message.edited", o, &errstr);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int del(sc_req *req, sc_resp *resp, const char *const *p)
{
	const char *errstr;
	PGresult *res;
	sc_db_err err;
	json_object *o, *ev;

	/* idempotent: deleting twice answers the same tombstone */
	if (sc_db_exec(req->db, req->arena, SQL_DELETE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) == 1, "message");
	if (!sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 403,
		    "only the sender or an admin of the group may delete a message");
	o = sc_msg_json(res, 0, 3);
	if (sc_row_is_true(res, 0, 2)) {
		ev = json_object_new_object();
		json_object_object_add(ev, "message_id", sc_row_text(res, 0, 3));
		json_object_object_add(ev, "conversation_id", sc_row_text(res, 0, 4));
		json_object_object_add(ev, "deleted_at", sc_row_text(res, 0, 3 + 11));
		sc_events_publish(req->redis, PQgetisnull(res, 0, 3 + SC_MSG_NCOLS) ? NULL :
		    PQgetvalue(res, 0, 3 + SC_MSG_NCOLS), "message.deleted", ev, &errstr);
		json_object_put(ev);
	}
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[2] = { sc_route_param(&req->params, "id"), req->user.user_id };

	switch (req->method_bit) {
	case SC_M_PATCH:
		return edit(req, resp, p);
	case SC_M_DELETE:
		return del(req, resp, p);
	default:
		return get(req, resp, p);
	}
}

static const sc_endpoint ep = {
	.name = "messages/message", .pattern = "/v1/messages/:id",
	.methods = SC_M_GET | SC_M_PATCH | SC_M_DELETE, .body_cap = SC_MSG_BODY_CAP,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
