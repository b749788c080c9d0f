/* /v1/presence
 *
 * POST {online: bool} - set the caller online (presence:{id} with a TTL of
 *   PRESENCE_TTL_SECONDS) or offline (the key deleted), and users.last_seen_at
 *   to now. The "presence" event {user_id, online, last_seen} goes to the
 *   people who may see the caller (sc_presence.h), found by the statement that
 *   writes last_seen_at. 200 {user_id, online, last_seen}. Redis down: 503.
 *   The same list refreshes the caller's presence peers cache (sc_presence.h)
 *   for the relay: best effort, skipped when a forget came in between.
 * GET ?user_ids=a,b,c (1..100 UUIDs) - {presence:[{user_id, online,
 *   last_seen}]}, one entry per distinct id in request order. Ids the caller
 *   may not see, unknown and deleted users all read online:false,
 *   last_seen:null: the answer tells nothing about blocks or existence.
 *   One SQL statement decides visibility, one MGET reads the online state. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_ids.h"
#include "sc_log.h"
#include "sc_presence.h"
#include "sc_user.h"

#include <string.h>

#define MAX_IDS 100

/* $1 caller. Sets last_seen_at; one row (last_seen, the people who may see
 * the caller as a comma list or NULL); no row when the account is gone. */
static const char SQL_SET[] =
    "WITH me AS (UPDATE users SET last_seen_at = now() "
    "            WHERE user_id = $1::uuid AND deleted_at IS NULL RETURNING last_seen_at) "
    "SELECT " SC_SQL_TS("me.last_seen_at") ", "
    "  (SELECT string_agg(s.user_id::text, ',') FROM (" SC_SQL_PRESENCE_PEERS("$1::uuid") ") s) "
    "FROM me";

/* $1 caller, $2 requested ids (uuid[]). The requested users the caller may
 * see (itself included), with last_seen_at. */
static const char SQL_VISIBLE[] =
    "SELECT u.user_id, " SC_SQL_TS("u.last_seen_at") " "
    "FROM unnest($2::uuid[]) x(user_id) JOIN users u ON u.user_id = x.user_id "
    "WHERE u.deleted_at IS NULL "
    "  AND (u.user_id = $1::uuid OR " SC_SQL_PRESENCE_VISIBLE("$1::uuid", "u.user_id") ")";

static json_object *entry(const char *user_id, int online, const char *last_seen)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(user_id));
	json_object_object_add(o, "online", json_object_new_boolean(online));
	json_object_object_add(o, "last_seen",
	    last_seen != NULL ? json_object_new_string(last_seen) : NULL);
	return o;
}

static int set(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id }, *errstr, *last_seen, *peers;
	char gen[SC_PRESENCE_GEN_SIZE];
	int online, have_gen;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_bool(req->json, "online", SC_REQUIRED, &online, &e) < 0)
		return sc_resp_verr(resp, &e);
	/* Redis first: when it is down nothing changes and the client retries */
	if (sc_presence_set(req->redis, req->user.user_id, online, &errstr) < 0) {
		sc_log_warn(sc_arena_printf(req->arena, "presence not stored: %s", errstr));
		return sc_account_redis_down(resp);
	}
	/* the peers cache generation, read before the statement (sc_presence.h) */
	have_gen = sc_presence_peers_begin(req->redis, req->user.user_id, gen, &errstr) == 0;
	if (sc_db_exec(req->db, req->arena, SQL_SET, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	last_seen = PQgetvalue(res, 0, 0);
	peers = PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1);
	if (!have_gen || sc_presence_peers_store(req->redis, req->user.user_id, gen, peers,
	    &errstr) < 0)
		sc_log_warn("presence peers not refreshed");
	o = entry(req->user.user_id, online, last_seen);
	sc_events_publish(req->redis, peers, "presence", o, &errstr);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int get(sc_req *req, sc_resp *resp)
{
	const char *p[2], *errstr, **seen_ids, **last_seen;
	int rows, i, j, nseen = 0, *online;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	sc_ids ids;
	json_object *o, *list;

	if (sc_ids_from_csv(req->arena, sc_req_query(req, "user_ids"), "user_ids", 1, MAX_IDS,
	    &ids, &e) < 0)
		return sc_resp_verr(resp, &e);
	p[0] = req->user.user_id;
	p[1] = ids.pg;
	if (sc_db_exec(req->db, req->arena, SQL_VISIBLE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	/* the visible ones in request order; last_seen[i] is NULL for the others */
	seen_ids = sc_arena_alloc(req->arena, (size_t)ids.n * sizeof(*seen_ids));
	last_seen = sc_arena_alloc(req->arena, (size_t)ids.n * sizeof(*last_seen));
	online = sc_arena_alloc(req->arena, (size_t)ids.n * sizeof(*online));
	for (i = 0; i < ids.n; i++) {
		int found = -1;
		for (j = 0; j < rows && found < 0; j++)
			if (strcmp(PQgetvalue(res, j, 0), ids.id[i]) == 0)
				found = j;
		last_seen[i] = NULL;
		online[i] = -1;   /* not visible */
		if (found >= 0) {
			online[i] = nseen;
			seen_ids[nseen++] = ids.id[i];
			if (!PQgetisnull(res, found, 1))
				last_seen[i] = PQgetvalue(res, found, 1);
		}
	}
	{
		int *state = sc_arena_alloc(req->arena, (size_t)(nseen ? nseen : 1) * sizeof(*state));
		if (sc_presence_online(req->redis, nseen, seen_ids, state, &errstr) < 0) {
			sc_log_warn(sc_arena_printf(req->arena, "presence not read: %s", errstr));
			return sc_account_redis_down(resp);
		}
		list = json_object_new_array();
		for (i = 0; i < ids.n; i++)
			json_object_array_add(list, entry(ids.id[i], online[i] >= 0 && state[online[i]],
			    last_seen[i]));
	}
	o = json_object_new_object();
	json_object_object_add(o, "presence", list);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	if (req->method_bit == SC_M_POST)
		return set(req, resp);
	return get(req, resp);
}

static const sc_endpoint ep = {
	.name = "presence/presence", .pattern = "/v1/presence",
	.methods = SC_M_GET | SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
