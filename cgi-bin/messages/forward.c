/* POST /v1/messages/forward {message_id, conversation_id} - forward a
 * message to another (or the same) conversation.
 *
 * The caller must be a member of the source message's conversation (403;
 * unknown message 404) and of the target (403; unknown 404). A deleted source
 * is 404, an encrypted one 400 (the server cannot re-encrypt it for the
 * target's members), a block in a direct target 403. The new message has its
 * own UUIDv7 id and sent_at, the caller as sender, the source's content,
 * message_type and metadata plus metadata.forwarded_from {message_id,
 * conversation_id, sender_id} (the immediate source), no reply, and the
 * source's file_ids under the rule of any message (sc_file.h): the forwarder
 * may download them already (the source is theirs to read), so a file is
 * carried unless it is no longer completed (deleted meanwhile), then it is
 * left out. Forwarding shares the files with the target's members. The
 * target's last_message_at moves to it. One statement. 201 the message;
 * message.new to the target's members. */
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_file.h"
#include "sc_reaction.h"
#include "sc_msg.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>

/* $1 source message, $2 target conversation, $3 caller, $4 new id, $5 its
 * time (Unix ms). One row: source found, source member, source deleted,
 * source encrypted, target found, target member, target blocked, then the
 * new message (SC_MSG_COLS, NULL when refused) and the target's members. */
static const char SQL_FORWARD[] =
    "WITH src AS (SELECT m.* FROM messages m WHERE m.message_id = $1::uuid), "
    "sacc AS (WITH " SC_SQL_CONV_ACCESS("(SELECT conversation_id FROM src)", "$3::uuid") " "
    "         SELECT * FROM acc), "
    SC_SQL_CONV_ACCESS("$2::uuid", "$3::uuid") ", "
    "ins AS (INSERT INTO messages (message_id, conversation_id, sender_id, content, "
    "          is_encrypted, message_type, metadata, file_ids, sent_at) "
    "        SELECT $4::uuid, acc.conversation_id, $3::uuid, src.content, false, "
    "          src.message_type, CASE WHEN jsonb_typeof(src.metadata) = 'object' "
    "            THEN src.metadata ELSE '{}'::jsonb END || jsonb_build_object('forwarded_from', "
    "            jsonb_build_object('message_id', src.message_id, "
    "              'conversation_id', src.conversation_id, 'sender_id', src.sender_id)), "
    "          ARRAY(SELECT s.id FROM unnest(src.file_ids) WITH ORDINALITY s(id, n) "
    "                WHERE " SC_SQL_FILES_OK("ARRAY[s.id]", "$3::uuid") " ORDER BY s.n), "
    "          'epoch'::timestamptz + $5::bigint * interval '1 millisecond' "
    "        FROM src, sacc, acc "
    "        WHERE sacc.member AND src.deleted_at IS NULL AND NOT src.is_encrypted "
    "          AND acc.member AND NOT acc.blocked "
    "        RETURNING *), "
    "upd AS (UPDATE conversations c SET last_message_at = greatest(c.last_message_at, ins.sent_at) "
    "        FROM ins WHERE c.conversation_id = ins.conversation_id RETURNING 1) "
    "SELECT src.message_id IS NOT NULL, coalesce(sacc.member, false), "
    "  src.deleted_at IS NOT NULL, coalesce(src.is_encrypted, false), "
    "  acc.conversation_id IS NOT NULL, coalesce(acc.member, false), "
    "  coalesce(acc.blocked, false), " SC_MSG_COLS ", "
    "  (SELECT string_agg(p.user_id::text, ',') FROM conversation_participants p "
    "   WHERE p.conversation_id = m.conversation_id) "
    "FROM (SELECT 1) one LEFT JOIN src ON true LEFT JOIN sacc ON true "
    "  LEFT JOIN acc ON true LEFT JOIN ins m ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	char src[SC_UUID_STRLEN + 1], conv[SC_UUID_STRLEN + 1], id[SC_UUID_STRLEN + 1], ms[24];
	const char *p[5], *errstr;
	long long now;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_uuid(req->json, "message_id", SC_REQUIRED, src, &e) < 0 ||
	    sc_json_get_uuid(req->json, "conversation_id", SC_REQUIRED, conv, &e) < 0)
		return sc_resp_verr(resp, &e);
	sc_uuid_v7(id, &now);
	snprintf(ms, sizeof(ms), "%lld", now);
	p[0] = src;
	p[1] = conv;
	p[2] = req->user.user_id;
	p[3] = id;
	p[4] = ms;
	/* not retried: a lost answer after the commit would forward twice */
	if (sc_db_exec(req->db, req->arena, SQL_FORWARD, 5, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "forward returned no row");
	if (!sc_row_is_true(res, 0, 0) || !sc_row_is_true(res, 0, 1))
		return sc_conv_denied(resp, sc_row_is_true(res, 0, 0), "message");
	if (sc_row_is_true(res, 0, 2))
		return sc_resp_error(resp, 404, "the message was deleted");
	if (sc_row_is_true(res, 0, 3)) {
		sc_verr_set(&e, "message_id", "an end-to-end encrypted message cannot be forwarded "
		    "by the server; the client re-sends it encrypted for the target");
		return sc_resp_verr(resp, &e);
	}
	if (!sc_row_is_true(res, 0, 4) || !sc_row_is_true(res, 0, 5))
		return sc_conv_denied(resp, sc_row_is_true(res, 0, 4), "conversation");
	if (sc_row_is_true(res, 0, 6))
		return sc_resp_error(resp, 403, "a block stands between you and this conversation");
	if (PQgetisnull(res, 0, 7))
		return sc_resp_fail(resp, "forward inserted nothing");
	o = sc_msg_json(res, 0, 7);
	sc_events_publish(req->redis, PQgetvalue(res, 0, 7 + SC_MSG_NCOLS), "message.new", o,
	    &errstr);
	sc_resp_json(resp, 201, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "messages/forward", .pattern = "/v1/messages/forward", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
