/* /v1/conversations
 *
 * POST {type, title?, participant_ids, is_e2ee_enabled?} - start a conversation.
 *   type "direct": exactly one other user in participant_ids (the caller may
 *   be listed too); title optional. An existing direct conversation between
 *   the two is returned with 200 (and shown again to the caller if hidden).
 *   type "group": title required (1..100 characters), 0..GROUP_MAX_PARTICIPANTS-1
 *   others; the creator is an admin. The title is stored (the audit's Error 3).
 *   Unknown or deleted users: 404 naming them (Error 10). A block between the
 *   caller and any listed user: 403. 201 with the conversation and its
 *   participant_ids; conversation.created goes to every member, whose presence
 *   peers caches are forgotten (sc_presence.h).
 * GET ?limit=&cursor= - the caller's conversations, most recently active first
 *   (coalesce(last_message_at, created_at) DESC, conversation_id DESC; keyset
 *   cursor), without direct conversations the caller hid and that had no
 *   message since. Each item: the conversation, last_message (the newest,
 *   a tombstone when deleted, or null), unread_count (at most 1000) and the
 *   caller's role. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_ids.h"
#include "sc_config.h"
#include "sc_log.h"
#include "sc_msg.h"
#include "sc_page.h"
#include "sc_presence.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

/* $1 caller, $2 type, $3 others (uuid[]), $4 title, $5 e2ee, $6 direct_key.
 * Columns: missing (ids, or NULL), blocked (count), created (bool), the
 * conversation (SC_CONV_COLS, NULL when refused), members (csv). */
static const char SQL_CREATE[] =
    "WITH want AS (SELECT DISTINCT x AS user_id FROM unnest($3::uuid[]) x WHERE x <> $1::uuid), "
    "known AS (SELECT u.user_id FROM users u JOIN want w USING (user_id) "
    "          WHERE u.deleted_at IS NULL), "
    "chk AS (SELECT (SELECT string_agg(w.user_id::text, ', ' ORDER BY w.user_id) FROM want w "
    "                WHERE w.user_id NOT IN (SELECT user_id FROM known)) AS missing, "
    "               (SELECT count(*) FROM known k "
    "                WHERE NOT " SC_SQL_NOT_BLOCKED("$1::uuid", "k.user_id") ") AS blocked), "
    "ins AS (INSERT INTO conversations (type, title, created_by, direct_key, is_e2ee_enabled) "
    "        SELECT $2, $4, $1::uuid, $6, $5::boolean FROM chk "
    "        WHERE chk.missing IS NULL AND chk.blocked = 0 "
    "        ON CONFLICT (direct_key) DO NOTHING RETURNING *), "
    "old AS (SELECT c.* FROM conversations c, chk WHERE $6::text IS NOT NULL "
    "        AND c.direct_key = $6 AND chk.missing IS NULL AND chk.blocked = 0), "
    "the AS (SELECT * FROM ins UNION ALL SELECT * FROM old WHERE NOT EXISTS (SELECT 1 FROM ins)), "
    "mem AS (INSERT INTO conversation_participants (conversation_id, user_id, role) "
    "        SELECT the.conversation_id, m.user_id, m.role FROM the, "
    "          (SELECT $1::uuid AS user_id, CASE WHEN $2 = 'group' THEN 'admin' ELSE 'member' END "
    "                  AS role UNION ALL SELECT user_id, 'member' FROM known) m "
    "        ON CONFLICT (conversation_id, user_id) DO UPDATE SET hidden_at = NULL "
    "          WHERE conversation_participants.user_id = $1::uuid "
    "        RETURNING user_id) "
    "SELECT chk.missing, chk.blocked, EXISTS (SELECT 1 FROM ins), " SC_CONV_COLS ", "
    "  (SELECT string_agg(user_id::text, ',') FROM mem) "
    "FROM chk LEFT JOIN the c ON true";

/* the members of conversation $1 (for an existing direct conversation) */
static const char SQL_MEMBERS[] =
    "SELECT string_agg(user_id::text, ',') FROM conversation_participants "
    "WHERE conversation_id = $1";

#define LIST_KIND "conversations.list"
#define UNREAD_CAP "1000"
/* a cursor's activity time, in microseconds since 1970: 1938 .. 5138 */
#define KEY_MIN (-1000000000000000LL)
#define KEY_MAX 100000000000000000LL

/* $1 caller, $2 after (microseconds of activity, or NULL), $3 after id, $4
 * rows. The page is chosen first (the subquery with its LIMIT), then the
 * last message and the unread count are looked up for its rows only, each
 * on messages (conversation_id, message_id DESC). Columns: SC_CONV_COLS,
 * role, unread_count, the activity key (microseconds), SC_MSG_COLS (NULL
 * when no message). Unread: messages of others, not deleted, after the read
 * marker or, with none, since the caller joined (a UUIDv7 floor made from
 * joined_at); counting stops at UNREAD_CAP. */
static const char SQL_LIST[] =
    "SELECT " SC_CONV_COLS ", c.role, un.n, (extract(epoch FROM c.k) * 1000000)::bigint, "
    SC_MSG_COLS " "
    "FROM (SELECT c.*, p.role, p.last_read_message_id, p.joined_at, "
    "             coalesce(c.last_message_at, c.created_at) AS k "
    "      FROM conversation_participants p "
    "      JOIN conversations c ON c.conversation_id = p.conversation_id "
    "      WHERE p.user_id = $1::uuid "
    "        AND (p.hidden_at IS NULL OR c.last_message_at > p.hidden_at) "
    "        AND ($2::bigint IS NULL OR (coalesce(c.last_message_at, c.created_at), c.conversation_id) "
    "             < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid)) "
    "      ORDER BY k DESC, c.conversation_id DESC LIMIT $4::int) c "
    "CROSS JOIN LATERAL (SELECT count(*) AS n FROM (SELECT 1 FROM messages mu "
    "    WHERE mu.conversation_id = c.conversation_id AND mu.sender_id <> $1::uuid "
    "      AND mu.deleted_at IS NULL AND mu.message_id > coalesce(c.last_read_message_id, "
    "        (lpad(to_hex(floor(extract(epoch FROM c.joined_at) * 1000)::bigint), 12, '0') "
    "         || '00000000000000000000')::uuid) "
    "    LIMIT " UNREAD_CAP ") x) un "
    "LEFT JOIN LATERAL (SELECT * FROM messages ml WHERE ml.conversation_id = c.conversation_id "
    "    ORDER BY ml.message_id DESC LIMIT 1) m ON true "
    "ORDER BY c.k DESC, c.conversation_id DESC";

static int list(sc_req *req, sc_resp *resp)
{
	const char *after[2] = { NULL, NULL }, *p[4], *last[2];
	char lim[24];
	long long limit, key;
	int rows, i;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o, *items;

	if (sc_page_limit(req, &limit, &e) < 0 || sc_page_cursor(req, LIST_KIND, 2, after, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (after[0] != NULL && (sc_parse_i64(after[0], strlen(after[0]), KEY_MIN, KEY_MAX, &key) < 0
	    || !sc_uuid_parse(after[1], strlen(after[1]), NULL)))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = after[0];
	p[2] = after[1];
	p[3] = lim;
	if (sc_db_exec(req->db, req->arena, SQL_LIST, 4, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	items = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++) {
		json_object *c = sc_conv_json(res, i, 0);
		int mc = SC_CONV_NCOLS + 3;
		json_object_object_add(c, "last_message", PQgetisnull(res, i, mc) ? NULL :
		    sc_msg_json(res, i, mc));
		json_object_object_add(c, "unread_count", sc_row_int(res, i, SC_CONV_NCOLS + 1));
		json_object_object_add(c, "role", sc_row_text(res, i, SC_CONV_NCOLS));
		json_object_array_add(items, c);
	}
	o = json_object_new_object();
	json_object_object_add(o, "conversations", items);
	if (rows > limit) {
		char *next;
		last[0] = PQgetvalue(res, (int)limit - 1, SC_CONV_NCOLS + 2);
		last[1] = PQgetvalue(res, (int)limit - 1, 0);
		next = sc_page_cursor_encode(req->arena, LIST_KIND, 2, last);
		if (next == NULL) {
			json_object_put(o);
			return sc_resp_fail(resp, "cannot encode the cursor");
		}
		sc_page_finish(o, next);
	} else {
		sc_page_finish(o, NULL);
	}
	sc_resp_json(resp, 200, o);
	return 0;
}

static int create(sc_req *req, sc_resp *resp)
{
	const char *type, *title = NULL, *p[6], *members, *errstr;
	size_t tlen = 0;
	int e2ee = 1, direct, x, attempt, rows;
	char key[2 * 37 + 2];
	long long max = sc_config_int(SC_CFG_GROUP_MAX_PARTICIPANTS);
	sc_ids ids;
	PGresult *res = NULL;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "type", SC_REQUIRED, 1, 16, &type, NULL, &e) < 0)
		return sc_resp_verr(resp, &e);
	direct = strcmp(type, "direct") == 0;
	if (!direct && strcmp(type, "group") != 0)
		return sc_resp_bad(resp, "type", "must be direct or group");
	x = sc_json_get_str(req->json, "title", direct ? SC_OPTIONAL : SC_REQUIRED, 0, 100000,
	    &title, &tlen, &e);
	if (x < 0 && !(direct && json_object_object_get_ex(req->json, "title", NULL) &&
	    json_object_get_type(json_object_object_get(req->json, "title")) == json_type_null))
		return sc_resp_verr(resp, &e);
	if (x == 1 && !sc_conv_title_valid(title, tlen))
		return sc_resp_bad(resp, "title", "must be 1..100 characters, not blank, no control characters");
	if (x != 1)
		title = NULL;
	if (sc_json_get_bool(req->json, "is_e2ee_enabled", SC_OPTIONAL, &e2ee, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_ids_from_json(req->arena, req->json, "participant_ids", SC_REQUIRED, 0,
	    (int)max, &ids, &e) < 0)
		return sc_resp_verr(resp, &e);
	{
		/* the caller may list itself; count the others */
		int i, others = 0;
		for (i = 0; i < ids.n; i++)
			others += strcmp(ids.id[i], req->user.user_id) != 0;
		if (direct && others != 1)
			return sc_resp_bad(resp, "participant_ids",
			    "a direct conversation needs exactly one other user");
		if (others > max - 1)
			return sc_resp_bad(resp, "participant_ids", "too many participants for a group");
		if (direct) {
			const char *other = strcmp(ids.id[0], req->user.user_id) != 0 ? ids.id[0] : ids.id[1];
			const char *me = req->user.user_id;
			snprintf(key, sizeof(key), "%s:%s", strcmp(me, other) < 0 ? me : other,
			    strcmp(me, other) < 0 ? other : me);
		}
	}
	p[0] = req->user.user_id;
	p[1] = type;
	p[2] = ids.pg;
	p[3] = title;
	p[4] = e2ee ? "true" : "false";
	p[5] = direct ? key : NULL;
	/* a concurrent creation of the same direct conversation can hide the row
	 * from this statement's snapshot: the second attempt sees it */
	for (attempt = 0; attempt < 2; attempt++) {
		if (sc_db_exec(req->db, req->arena, SQL_CREATE, 6, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
		rows = PQntuples(res);
		if (rows != 1)
			return sc_resp_fail(resp, "conversation create returned no row");
		if (!PQgetisnull(res, 0, 0)) {
			char *msg = sc_arena_printf(req->arena, "unknown user: %s", PQgetvalue(res, 0, 0));
			return sc_resp_error(resp, 404, msg);
		}
		if (strcmp(PQgetvalue(res, 0, 1), "0") != 0)
			return sc_resp_error(resp, 403, "a block stands between you and a participant");
		if (!PQgetisnull(res, 0, 3))
			break;
	}
	if (PQgetisnull(res, 0, 3))
		return sc_resp_fail(resp, "direct conversation neither created nor found");
	o = sc_conv_json(res, 0, 3);
	members = PQgetisnull(res, 0, 3 + SC_CONV_NCOLS) ? NULL :
	    PQgetvalue(res, 0, 3 + SC_CONV_NCOLS);
	if (!sc_row_is_true(res, 0, 2)) {
		/* an existing direct conversation: answer with its members */
		const char *q[1] = { PQgetvalue(res, 0, 3) };
		PGresult *m;
		if (sc_db_exec(req->db, req->arena, SQL_MEMBERS, 1, q, SC_DB_RETRY, &m, &err) < 0) {
			json_object_put(o);
			return sc_app_db_error(resp, &err);
		}
		members = PQgetisnull(m, 0, 0) ? "" : PQgetvalue(m, 0, 0);
	}
	json_object_object_add(o, "participant_ids", sc_conv_ids_json(members));
	if (sc_row_is_true(res, 0, 2)) {
		sc_conv_cache(req->redis, SC_CONV_CACHE_SET, PQgetvalue(res, 0, 3), members);
		sc_presence_peers_forget(req->redis, members);
		sc_events_publish(req->redis, members, "conversation.created", o, &errstr);
		sc_resp_json(resp, 201, o);
	} else {
		sc_resp_json(resp, 200, o);
	}
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	if (req->method_bit == SC_M_POST)
		return create(req, resp);
	if (req->method_bit & (SC_M_GET | SC_M_HEAD))
		return list(req, resp);
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "conversations/conversations", .pattern = "/v1/conversations",
	.methods = SC_M_GET | SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
