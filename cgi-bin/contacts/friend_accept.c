/* POST /v1/users/me/friends/:id/accept - accept the pending friend request
 * that user :id sent to the caller.
 *
 * 200 {user: :id's public profile, since}; contact.accepted goes to both
 * users, each with {user: the other's public profile, since}. 404 when
 * there is no pending request from :id to the caller: none at all, the
 * caller is the requester (only the addressee accepts), they are friends
 * already, :id is deleted, or a block stands between them. No body.
 * Both users' presence peers caches are forgotten (sc_presence.h). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_presence.h"
#include "sc_row.h"
#include "sc_user.h"

/* $1 caller (the addressee), $2 requester. One row when accepted: since,
 * the requester's public profile, the caller's public profile. */
static const char SQL_ACCEPT[] =
    "WITH upd AS (UPDATE friendships f SET status = 'accepted', accepted_at = now() "
    "             WHERE f.requester_id = $2::uuid AND f.addressee_id = $1::uuid "
    "               AND f.status = 'pending' "
    "               AND EXISTS (SELECT 1 FROM users r WHERE r.user_id = $2::uuid "
    "                           AND r.deleted_at IS NULL) "
    "               AND " SC_SQL_NOT_BLOCKED("$1::uuid", "$2::uuid") " "
    "             RETURNING accepted_at) "
    "SELECT " SC_SQL_TS("upd.accepted_at") ", " SC_USER_PUBLIC_COLS ", me.* FROM upd "
    "JOIN users u ON u.user_id = $2::uuid "
    "CROSS JOIN LATERAL (SELECT " SC_USER_PUBLIC_COLS " FROM users u "
    "                    WHERE u.user_id = $1::uuid) me";

/* {user: the profile at column col, since} */
static json_object *accepted(const PGresult *res, int col)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "user", sc_user_json(res, 0, col, SC_USER_PUBLIC));
	json_object_object_add(o, "since", sc_row_text(res, 0, 0));
	return o;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id"), *p[2], *errstr;
	PGresult *res;
	sc_db_err err;
	json_object *ev;

	p[0] = req->user.user_id;
	p[1] = id;
	if (sc_db_exec(req->db, req->arena, SQL_ACCEPT, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "no pending friend request from this user to you");
	sc_presence_peers_forget(req->redis, sc_arena_printf(req->arena, "%s,%s",
	    req->user.user_id, id));
	/* each side learns who the other is */
	ev = accepted(res, 1 + SC_USER_PUBLIC_NCOLS);
	sc_events_publish(req->redis, id, "contact.accepted", ev, &errstr);
	json_object_put(ev);
	ev = accepted(res, 1);
	sc_events_publish(req->redis, req->user.user_id, "contact.accepted", ev, &errstr);
	sc_resp_json(resp, 200, ev);
	return 0;
}

static const sc_endpoint ep = {
	.name = "contacts/friend_accept", .pattern = "/v1/users/me/friends/:id/accept",
	.methods = SC_M_POST, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
