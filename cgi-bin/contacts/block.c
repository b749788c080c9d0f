/* /v1/users/:id/block
 *
 * POST {reason?: string of 0..500 characters} (the body is optional) - block
 *   user :id. In the same statement any friendship between the two, pending
 *   or accepted, ends. 201 {user_id, blocked:true, created_at}; 400 when :id
 *   is the caller or reason is not a string of 0..500 characters; 404 when
 *   :id is unknown, deleted or not a UUID; 409 when the caller blocked :id
 *   already. No event: the blocked user is not told.
 * DELETE - lift the caller's block of :id. 200 {user_id, blocked:false};
 *   404 when the caller has not blocked :id (a block the other user set
 *   stays: it is theirs to lift).
 * Either way who sees whom changed: both users' presence peers caches are
 * forgotten (sc_presence.h; best effort). */
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_db.h"
#include "sc_presence.h"
#include "sc_row.h"

#define REASON_MAX 500

/* $1 caller, $2 the user to block, $3 reason. One row: found (bool),
 * created_at (NULL when already blocked or not found). */
static const char SQL_BLOCK[] =
    "WITH tgt AS (SELECT u.user_id FROM users u WHERE u.user_id = $2::uuid "
    "             AND u.deleted_at IS NULL), "
    "ins AS (INSERT INTO blocked_users (blocker_id, blocked_id, reason) "
    "        SELECT $1::uuid, tgt.user_id, $3 FROM tgt ON CONFLICT DO NOTHING "
    "        RETURNING created_at), "
    "del AS (DELETE FROM friendships f WHERE " SC_SQL_FRIEND_PAIR("$1::uuid", "$2::uuid") " "
    "        AND EXISTS (SELECT 1 FROM ins) RETURNING 1) "
    "SELECT EXISTS (SELECT 1 FROM tgt), " SC_SQL_TS("ins.created_at") ", "
    "  (SELECT count(*) FROM del) "
    "FROM (SELECT 1) one LEFT JOIN ins ON true";

/* $1 caller, $2 the blocked user: one row when a block was lifted. */
static const char SQL_UNBLOCK[] =
    "DELETE FROM blocked_users WHERE blocker_id = $1::uuid AND blocked_id = $2::uuid "
    "RETURNING 1";

static json_object *answer(const char *id, int blocked)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(id));
	json_object_object_add(o, "blocked", json_object_new_boolean(blocked));
	return o;
}

static int block(sc_req *req, sc_resp *resp, const char *id)
{
	const char *reason = NULL, *p[3];
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_contact_not_self(req, resp, id, "cannot block yourself") < 0)
		return -1;
	if (sc_json_get_str(req->json, "reason", SC_OPTIONAL, 0, REASON_MAX, &reason, NULL, &e) < 0)
		return sc_resp_verr(resp, &e);
	p[0] = req->user.user_id;
	p[1] = id;
	p[2] = reason;
	if (sc_db_exec(req->db, req->arena, SQL_BLOCK, 3, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "block returned no row");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 404, "no such user");
	if (PQgetisnull(res, 0, 1))
		return sc_resp_error(resp, 409, "you blocked this user already");
	sc_presence_peers_forget(req->redis, sc_arena_printf(req->arena, "%s,%s",
	    req->user.user_id, id));
	o = answer(id, 1);
	json_object_object_add(o, "created_at", sc_row_text(res, 0, 1));
	sc_resp_json(resp, 201, o);
	return 0;
}

static int unblock(sc_req *req, sc_resp *resp, const char *id)
{
	const char *p[2] = { req->user.user_id, id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_UNBLOCK, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "you have not blocked this user");
	sc_presence_peers_forget(req->redis, sc_arena_printf(req->arena, "%s,%s",
	    req->user.user_id, id));
	sc_resp_json(resp, 200, answer(id, 0));
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");

	if (req->method_bit == SC_M_POST)
		return block(req, resp, id);
	return unblock(req, resp, id);
}

static const sc_endpoint ep = {
	.name = "contacts/block", .pattern = "/v1/users/:id/block",
	.methods = SC_M_POST | SC_M_DELETE, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
