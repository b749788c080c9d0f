/* /v1/messages
 *
 * POST {conversation_id, content, is_encrypted?, message_type?, metadata?,
 *       client_msg_id?, reply_to_message_id?, file_ids?} - send a message.
 *   One statement decides 404 (no such conversation), 403 (not a member, or
 *   a block in a direct conversation, either way), 400 (reply_to_message_id
 *   not a message of this conversation), 403 naming file_ids (a file that is
 *   not completed, or that the sender neither owns nor may download already:
 *   sc_file.h), inserts the message with its UUIDv7 id and
 *   the time inside it as sent_at, moves conversations.last_message_at and
 *   returns the members. 201 with the message; message.new to every member.
 *   client_msg_id: a repeated one returns the first message with 200 and no
 *   event; used before in another conversation: 409.
 * GET ?conversation_id=&limit=&page_state= (or cursor=) - newest first, keyset
 *   on message_id: {messages, next_page_state, next_cursor, has_more};
 *   deleted messages as tombstones. Membership in the same statement. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_file.h"
#include "sc_ids.h"
#include "sc_msg.h"
#include "sc_page.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

/* $1 caller, $2 conversation, $3 new message_id, $4 its milliseconds, $5 content,
 * $6 is_encrypted, $7 message_type, $8 metadata, $9 client_msg_id, $10 reply_to,
 * $11 file_ids. No row: no such conversation. Columns: member, blocked, reply_ok,
 * files_ok, created, the message (SC_MSG_COLS: the new one, or the earlier one
 * with this client_msg_id, or NULLs), members (csv, when created). files_ok:
 * every file is completed and the sender owns it or may already download it
 * (SC_SQL_FILES_OK), so nobody gains access to a file by naming its id. */
static const char SQL_SEND[] =
    "WITH " SC_SQL_CONV_ACCESS("$2::uuid", "$1::uuid") ", "
    "chk AS (SELECT acc.*, acc.member AND NOT acc.blocked AS may, "
    "   ($10::uuid IS NULL OR EXISTS (SELECT 1 FROM messages r WHERE r.message_id = $10::uuid "
    "      AND r.conversation_id = acc.conversation_id)) AS reply_ok, "
    "   " SC_SQL_FILES_OK("$11::uuid[]", "$1::uuid") " AS files_ok FROM acc), "
    "ins AS (INSERT INTO messages (message_id, conversation_id, sender_id, content, is_encrypted, "
    "          message_type, metadata, client_msg_id, reply_to_message_id, file_ids, sent_at) "
    "        SELECT $3::uuid, chk.conversation_id, $1::uuid, $5, $6::boolean, $7, $8::jsonb, $9, "
    "          $10::uuid, $11::uuid[], timestamptz 'epoch' + $4::bigint * interval '1 millisecond' "
    "        FROM chk WHERE chk.may AND chk.reply_ok AND chk.files_ok "
    "        ON CONFLICT (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING "
    "        RETURNING *), "
    "old AS (SELECT m.* FROM messages m, chk WHERE $9::text IS NOT NULL AND chk.may "
    "        AND m.sender_id = $1::uuid AND m.client_msg_id = $9 "
    "        AND NOT EXISTS (SELECT 1 FROM ins)), "
    "upd AS (UPDATE conversations c SET last_message_at = ins.sent_at FROM ins "
    "        WHERE c.conversation_id = ins.conversation_id "
    "          AND (c.last_message_at IS NULL OR c.last_message_at < ins.sent_at)) "
    "SELECT chk.member, chk.blocked, chk.reply_ok, chk.files_ok, EXISTS (SELECT 1 FROM ins), "
    SC_MSG_COLS ", "
    "  CASE WHEN EXISTS (SELECT 1 FROM ins) THEN " SC_MSG_SQL_MEMBERS("chk.conversation_id") " END "
    "FROM chk LEFT JOIN (SELECT * FROM ins UNION ALL SELECT * FROM old) m ON true";

/* $1 caller, $2 conversation, $3 after (a message_id; AFTER_ALL for the
 * first page), $4 rows. No row: no such conversation; one row with NULL
 * message columns: not a member (member false) or no (more) messages; else the
 * page, newest first. Written so that every plan reads just the page from
 * (conversation_id, message_id DESC), at any depth (cases-messages.sh checks
 * the plans):
 *  - "conversation_id = ANY (ARRAY[$2])" and not "= $2": with an equality the
 *    planner drops conversation_id from the ORDER BY, and the primary key's
 *    backward scan with a filter becomes a candidate for a conversation that
 *    holds many of the rows; it then walks every newer message of the other
 *    conversations (140,000 rows for the first page of a 1,000,000-message
 *    conversation that was not the latest active one). Ordered by
 *    (conversation_id, message_id DESC), only messages_conversation can serve;
 *  - the cursor is always a bound (no "$3 IS NULL OR ..."), so the generic plan
 *    of a prepared statement keeps it as an index condition;
 *  - the lateral subquery over the one acc row is a nested loop, so its rows
 *    come out in its ORDER BY and need no second sort. */
static const char SQL_PAGE[] =
    "WITH " SC_SQL_CONV_ACCESS("$2::uuid", "$1::uuid") " "
    "SELECT acc.member, " SC_MSG_COLS " FROM acc LEFT JOIN LATERAL ("
    "  SELECT * FROM messages m WHERE acc.member "
    "    AND m.conversation_id = ANY (ARRAY[$2::uuid]) AND m.message_id < $3::uuid "
    "  ORDER BY m.conversation_id, m.message_id DESC LIMIT $4) m ON true";

/* above every UUID a message can have (version f does not exist) */
#define AFTER_ALL "ffffffff-ffff-ffff-ffff-ffffffffffff"

static const char *const TYPES[] = { "text", "image", "video", "audio", "file" };

/* an error other than 400 that names a field */
static int refuse(sc_resp *resp, int status, const char *field, const char *msg)
{
	sc_resp_error(resp, status, msg);
	resp->err_field = field;
	return -1;
}

static int type_valid(const char *t)
{
	size_t i;
	for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		if (strcmp(t, TYPES[i]) == 0)
			return 1;
	return 0;
}

static int client_id_valid(const char *s, size_t n)
{
	size_t i;
	if (n < 1 || n > SC_MSG_CLIENT_ID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int send_msg(sc_req *req, sc_resp *resp)
{
	char conv[SC_UUID_STRLEN + 1], reply[SC_UUID_STRLEN + 1], id[SC_UUID_STRLEN + 1];
	char msstr[24];
	const char *content, *type = "text", *cid = NULL, *meta = "{}", *p[11], *errstr;
	const char *members;
	size_t clen, tlen, cidlen;
	long long ms;
	int enc = 0, has_reply, attempt, rc;
	sc_ids files;
	sc_verr e;
	json_object *mo = NULL, *o;
	PGresult *res = NULL;
	sc_db_err err;

	if (sc_json_get_uuid(req->json, "conversation_id", SC_REQUIRED, conv, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_msg_content(req->json, resp, &content, &clen) < 0)
		return -1;
	if (sc_json_get_bool(req->json, "is_encrypted", SC_OPTIONAL, &enc, &e) < 0)
		return sc_resp_verr(resp, &e);
	rc = sc_json_get_str(req->json, "message_type", SC_OPTIONAL, 1, 16, &type, &tlen, &e);
	if (rc < 0 || (rc == 1 && !type_valid(type)))
		return sc_resp_bad(resp, "message_type", "must be text, image, video, audio or file");
	if (sc_json_get_object(req->json, "metadata", SC_OPTIONAL, &mo, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (mo != NULL) {
		size_t mlen;
		meta = sc_json_dump(mo, &mlen);
		if (mlen > SC_MSG_METADATA_MAX)
			return sc_resp_bad(resp, "metadata", "must be at most 8192 bytes as JSON");
	}
	rc = sc_json_get_str(req->json, "client_msg_id", SC_OPTIONAL, 1, SC_MSG_CLIENT_ID_MAX,
	    &cid, &cidlen, &e);
	if (rc < 0 || (rc == 1 && !client_id_valid(cid, cidlen)))
		return sc_resp_bad(resp, "client_msg_id", "must be 1..64 printable ASCII characters");
	if ((has_reply = sc_json_get_uuid(req->json, "reply_to_message_id", SC_OPTIONAL, reply,
	    &e)) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_ids_from_json(req->arena, req->json, "file_ids", SC_OPTIONAL, 0, SC_MSG_FILES_MAX,
	    &files, &e) < 0)
		return sc_resp_verr(resp, &e);

	p[0] = req->user.user_id;
	p[1] = conv;
	p[2] = id;
	p[3] = msstr;
	p[4] = content;
	p[5] = enc ? "true" : "false";
	p[6] = type;
	p[7] = meta;
	p[8] = cid;
	p[9] = has_reply ? reply : NULL;
	p[10] = files.pg;
	/* A concurrent send with the same client_msg_id that commits while this
	 * statement runs makes ON CONFLICT skip the insert, but its row is not in
	 * this statement's snapshot: the second attempt sees it. */
	for (attempt = 0; attempt < 2; attempt++) {
		sc_uuid_v7(id, &ms);
		snprintf(msstr, sizeof(msstr), "%lld", ms);
		/* with a client_msg_id the statement is idempotent: safe to resend */
		if (sc_db_exec(req->db, req->arena, SQL_SEND, 11, p, cid != NULL ? SC_DB_RETRY : 0,
		    &res, &err) < 0)
			return sc_app_db_error(resp, &err);
		if (PQntuples(res) != 1)
			return sc_conv_denied(resp, 0, "conversation");
		if (!sc_row_is_true(res, 0, 0))
			return sc_conv_denied(resp, 1, "conversation");
		if (sc_row_is_true(res, 0, 1))
			return sc_resp_error(resp, 403, "a block stands between you and the other participant");
		if (!PQgetisnull(res, 0, 5))
			break;
		if (!sc_row_is_true(res, 0, 2))
			return sc_resp_bad(resp, "reply_to_message_id", "not a message of this conversation");
		if (!sc_row_is_true(res, 0, 3))
			return refuse(resp, 403, "file_ids",
			    "file_ids: not files you own or may download");
		if (cid == NULL)
			return sc_resp_fail(resp, "message neither inserted nor refused");
	}
	if (PQgetisnull(res, 0, 5))
		return sc_resp_fail(resp, "client_msg_id conflict but no earlier message");
	if (strcmp(PQgetvalue(res, 0, 6), conv) != 0)
		return refuse(resp, 409, "client_msg_id",
		    "client_msg_id: already used for a message in another conversation");
	o = sc_msg_json(res, 0, 5);
	if (!sc_row_is_true(res, 0, 4)) {
		sc_resp_json(resp, 200, o);   /* a replay: the first message, no event */
		return 0;
	}
	members = PQgetisnull(res, 0, 5 + SC_MSG_NCOLS) ? NULL : PQgetvalue(res, 0, 5 + SC_MSG_NCOLS);
	sc_events_publish(req->redis, members, "message.new", o, &errstr);
	sc_resp_json(resp, 201, o);
	return 0;
}

static int list(sc_req *req, sc_resp *resp)
{
	const char *cs = sc_req_query(req, "conversation_id"), *after, *p[4], *next = NULL;
	char conv[SC_UUID_STRLEN + 1], lim[24];
	long long limit;
	size_t bytes = 0;
	int rows, i, n = 0;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *o, *arr;

	if (cs == NULL || *cs == '\0')
		return sc_resp_bad(resp, "conversation_id", "is required");
	if (!sc_uuid_parse(cs, strlen(cs), conv))
		return sc_resp_bad(resp, "conversation_id", "must be a UUID");
	if (sc_page_limit(req, &limit, &e) < 0 || sc_msg_page_after(req, &after, &e) < 0)
		return sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = conv;
	p[2] = after != NULL ? after : AFTER_ALL;
	p[3] = lim;
	if (sc_db_exec(req->db, req->arena, SQL_PAGE, 4, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	if (rows == 0)
		return sc_conv_denied(resp, 0, "conversation");
	if (!sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, 1, "conversation");
	arr = json_object_new_array();
	for (i = 0; i < rows && i < limit && !PQgetisnull(res, i, 1); i++) {
		/* a page of huge messages ends early, so that it always renders */
		bytes += sc_msg_json_size(res, i, 1);
		if (n > 0 && bytes > SC_MSG_PAGE_BYTES)
			break;
		json_object_array_add(arr, sc_msg_json(res, i, 1));
		n++;
	}
	if (n > 0 && (i < rows && !PQgetisnull(res, i, 1))) {
		const char *last = PQgetvalue(res, n - 1, 1);
		next = sc_page_cursor_encode(req->arena, SC_MSG_CURSOR_KIND, 1, &last);
		if (next == NULL) {
			json_object_put(arr);
			return sc_resp_fail(resp, "cannot encode the cursor");
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "messages", arr);
	json_object_object_add(o, "next_page_state", json_object_new_string(next ? next : ""));
	sc_page_finish(o, next);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	if (req->method_bit == SC_M_POST)
		return send_msg(req, resp);
	return list(req, resp);
}

static const sc_endpoint ep = {
	.name = "messages/messages", .pattern = "/v1/messages",
	.methods = SC_M_GET | SC_M_POST, .body_cap = SC_MSG_BODY_CAP,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
