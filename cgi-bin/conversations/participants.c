/* /v1/conversations/:id/participants
 *
 * GET - {participants:[{user_id, username, display_name, avatar_url, role,
 *   joined_at, last_read_message_id}]}, oldest member first, all of them (a
 *   group has at most GROUP_MAX_PARTICIPANTS). last_read_message_id is null
 *   for another user who turned read receipts off. Members only: 403 / 404.
 * POST {user_ids: 1..100 UUIDs} - add members to a group (admins only; 400
 *   for a direct conversation). Unknown or deleted users: 404 naming them; a
 *   block between the caller and a new member: 403; more than
 *   GROUP_MAX_PARTICIPANTS members after the addition: 400. Users who are
 *   members already are left as they are. 200 with the participants as GET
 *   lists them; conversation.member_added {conversation_id, user_ids (the
 *   new members), added_by} goes to every member, the new ones included; their
 *   presence peers caches are forgotten (sc_presence.h). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_buf.h"
#include "sc_config.h"
#include "sc_conv.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_ids.h"
#include "sc_presence.h"
#include "sc_row.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* One participant over (participant list `pl`, users `u`); $2 is the caller
 * (who always sees its own read marker). */
#define PART_COLS \
	"u.user_id, u.username, u.display_name, u.avatar_url, pl.role, " SC_SQL_TS("pl.joined_at") \
	", CASE WHEN u.user_id = $2::uuid OR u.read_receipts THEN pl.last_read_message_id END"
#define PART_NCOLS 7

/* $1 conversation, $2 caller: member, then one row per participant (the
 * PART_COLS, NULL when refused); no row when it does not exist. */
static const char SQL_LIST[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") " "
    "SELECT acc.member, " PART_COLS " FROM acc "
    "LEFT JOIN conversation_participants pl ON acc.member AND pl.conversation_id = acc.conversation_id "
    "LEFT JOIN users u ON u.user_id = pl.user_id "
    "ORDER BY pl.joined_at, pl.user_id";

/* $1 conversation, $2 caller, $3 user ids (uuid[]), $4 the size cap. Adds the
 * users who are not members yet when the caller is an admin of the group,
 * every user exists, none is on either side of a block with the caller and
 * the group stays within the cap. Rows: member, type, role, missing (ids or
 * NULL), blocked (count), total (members after), added (csv), existing
 * (csv), then PART_COLS of each participant (existing and added). */
static const char SQL_ADD[] =
    "WITH " SC_SQL_CONV_ACCESS("$1::uuid", "$2::uuid") ", "
    "ok AS (SELECT acc.conversation_id FROM acc "
    "       WHERE acc.member AND acc.type = 'group' AND acc.role = 'admin'), "
    "want AS (SELECT DISTINCT x AS user_id FROM unnest($3::uuid[]) x), "
    "known AS (SELECT u.user_id FROM users u JOIN want w ON w.user_id = u.user_id "
    "          WHERE u.deleted_at IS NULL), "
    "cur AS (SELECT p.user_id, p.role, p.joined_at, p.last_read_message_id "
    "        FROM conversation_participants p JOIN ok ON ok.conversation_id = p.conversation_id), "
    "fresh AS (SELECT k.user_id FROM known k WHERE k.user_id NOT IN (SELECT user_id FROM cur)), "
    "chk AS (SELECT (SELECT string_agg(w.user_id::text, ', ' ORDER BY w.user_id) FROM want w "
    "                WHERE w.user_id NOT IN (SELECT user_id FROM known)) AS missing, "
    "               (SELECT count(*) FROM fresh f "
    "                WHERE NOT " SC_SQL_NOT_BLOCKED("$2::uuid", "f.user_id") ") AS blocked, "
    "               (SELECT count(*) FROM cur) + (SELECT count(*) FROM fresh) AS total), "
    "ins AS (INSERT INTO conversation_participants (conversation_id, user_id, role) "
    "        SELECT ok.conversation_id, f.user_id, 'member' FROM ok, fresh f, chk "
    "        WHERE chk.missing IS NULL AND chk.blocked = 0 AND chk.total <= $4::bigint "
    "        ON CONFLICT (conversation_id, user_id) DO NOTHING "
    "        RETURNING user_id, role, joined_at, last_read_message_id), "
    "pl AS (SELECT * FROM cur UNION ALL SELECT * FROM ins) "
    "SELECT acc.member, acc.type, acc.role, chk.missing, chk.blocked, chk.total, "
    "  (SELECT string_agg(user_id::text, ',') FROM ins), "
    "  (SELECT string_agg(user_id::text, ',') FROM cur), " PART_COLS " "
    "FROM acc CROSS JOIN chk LEFT JOIN pl ON true LEFT JOIN users u ON u.user_id = pl.user_id "
    "ORDER BY pl.joined_at, pl.user_id";

/* {participants:[...]} from rows [0, rows) at column col */
static json_object *participants_json(const PGresult *res, int col)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	int i, rows = PQntuples(res);

	for (i = 0; i < rows; i++) {
		json_object *p;
		if (PQgetisnull(res, i, col))
			continue;
		p = json_object_new_object();
		json_object_object_add(p, "user_id", sc_row_text(res, i, col));
		json_object_object_add(p, "username", sc_row_text(res, i, col + 1));
		json_object_object_add(p, "display_name", sc_row_text(res, i, col + 2));
		json_object_object_add(p, "avatar_url", sc_row_text(res, i, col + 3));
		json_object_object_add(p, "role", sc_row_text(res, i, col + 4));
		json_object_object_add(p, "joined_at", sc_row_text(res, i, col + 5));
		json_object_object_add(p, "last_read_message_id", sc_row_text(res, i, col + 6));
		json_object_array_add(list, p);
	}
	json_object_object_add(o, "participants", list);
	return o;
}

static int list(sc_req *req, sc_resp *resp, const char *id)
{
	const char *p[2] = { id, req->user.user_id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_LIST, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) < 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) > 0, "conversation");
	sc_resp_json(resp, 200, participants_json(res, 1));
	return 0;
}

static int add(sc_req *req, sc_resp *resp, const char *id)
{
	const char *p[4], *added, *existing, *all, *errstr;
	long long max = sc_config_int(SC_CFG_GROUP_MAX_PARTICIPANTS), total;
	char cap[24];
	sc_ids ids;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_ids_from_json(req->arena, req->json, "user_ids", SC_REQUIRED, 1, 100, &ids, &e) < 0)
		return sc_resp_verr(resp, &e);
	snprintf(cap, sizeof(cap), "%lld", max);
	p[0] = id;
	p[1] = req->user.user_id;
	p[2] = ids.pg;
	p[3] = cap;
	/* a retry after a broken connection finds the users added and adds nobody */
	if (sc_db_exec(req->db, req->arena, SQL_ADD, 4, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) < 1 || !sc_row_is_true(res, 0, 0))
		return sc_conv_denied(resp, PQntuples(res) > 0, "conversation");
	if (strcmp(PQgetvalue(res, 0, 1), "group") != 0)
		return sc_verr_set(&e, "user_ids", "a direct conversation has exactly two members; "
		    "start a group instead"), sc_resp_verr(resp, &e);
	if (strcmp(PQgetvalue(res, 0, 2), "admin") != 0)
		return sc_resp_error(resp, 403, "only an admin can add members to a group");
	if (!PQgetisnull(res, 0, 3))
		return sc_resp_error(resp, 404, sc_arena_printf(req->arena, "unknown user: %s",
		    PQgetvalue(res, 0, 3)));
	if (strcmp(PQgetvalue(res, 0, 4), "0") != 0)
		return sc_resp_error(resp, 403, "a block stands between you and a new member");
	if (sc_parse_i64(PQgetvalue(res, 0, 5), strlen(PQgetvalue(res, 0, 5)), 0, LLONG_MAX,
	    &total) < 0 || total > max)
		return sc_verr_set(&e, "user_ids", "a group has at most %lld members", max),
		    sc_resp_verr(resp, &e);
	added = PQgetisnull(res, 0, 6) ? NULL : PQgetvalue(res, 0, 6);
	if (added != NULL) {
		json_object *ev = json_object_new_object();
		existing = PQgetisnull(res, 0, 7) ? "" : PQgetvalue(res, 0, 7);
		json_object_object_add(ev, "conversation_id", json_object_new_string(id));
		json_object_object_add(ev, "user_ids", sc_conv_ids_json(added));
		json_object_object_add(ev, "added_by", json_object_new_string(req->user.user_id));
		sc_conv_cache(req->redis, SC_CONV_CACHE_ADD, id, added);
		all = sc_arena_printf(req->arena, "%s,%s", existing, added);
		sc_presence_peers_forget(req->redis, all);
		sc_events_publish(req->redis, all, "conversation.member_added", ev, &errstr);
		json_object_put(ev);
	}
	sc_resp_json(resp, 200, participants_json(res, 8));
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");

	if (req->method_bit == SC_M_POST)
		return add(req, resp, id);
	if (req->method_bit & (SC_M_GET | SC_M_HEAD))
		return list(req, resp, id);
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "conversations/participants", .pattern = "/v1/conversations/:id/participants",
	.methods = SC_M_GET | SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH,
	.handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
