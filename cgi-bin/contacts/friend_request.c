/* POST /v1/users/:id/friend - ask user :id to be friends.
 *
 * 201 {user_id, status:"pending", created_at}; contact.request goes to the
 * addressee with {user: the requester's public profile, created_at}.
 * 400 when :id is the caller; 404 when it is unknown, deleted or not a UUID;
 * 403 when either user blocked the other; 409 when they are friends already
 * or a request is pending in either direction (a concurrent request of the
 * other user included: the pair index refuses the second row). No body. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_db.h"
#include "sc_events.h"
#include "sc_row.h"

#include <string.h>

/* $1 caller, $2 addressee. One row: found (bool), blocked (bool), the
 * existing friendship's status (NULL when none), created_at (NULL when
 * nothing was inserted), then the caller's public profile for the event. */
static const char SQL_REQUEST[] =
    "WITH chk AS (SELECT EXISTS (SELECT 1 FROM users u WHERE u.user_id = $2::uuid "
    "                            AND u.deleted_at IS NULL) AS found, "
    "                    NOT " SC_SQL_NOT_BLOCKED("$1::uuid", "$2::uuid") " AS blocked, "
    "                    (SELECT f.status FROM friendships f "
    "                     WHERE " SC_SQL_FRIEND_PAIR("$1::uuid", "$2::uuid") ") AS existing), "
    "ins AS (INSERT INTO friendships (requester_id, addressee_id) "
    "        SELECT $1::uuid, $2::uuid FROM chk "
    "        WHERE chk.found AND NOT chk.blocked AND chk.existing IS NULL "
    "        ON CONFLICT DO NOTHING RETURNING created_at) "
    "SELECT chk.found, chk.blocked, chk.existing, " SC_SQL_TS("ins.created_at") ", "
    SC_USER_PUBLIC_COLS " "
    "FROM chk LEFT JOIN ins ON true JOIN users u ON u.user_id = $1::uuid";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id"), *p[2], *errstr;
	PGresult *res;
	sc_db_err err;
	json_object *o, *ev;

	if (sc_contact_not_self(req, resp, id, "cannot send a friend request to yourself") < 0)
		return -1;
	p[0] = req->user.user_id;
	p[1] = id;
	if (sc_db_exec(req->db, req->arena, SQL_REQUEST, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "friend request returned no row");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 404, "no such user");
	if (sc_row_is_true(res, 0, 1))
		return sc_resp_error(resp, 403, "a block stands between you and this user");
	if (!PQgetisnull(res, 0, 2) && strcmp(PQgetvalue(res, 0, 2), "accepted") == 0)
		return sc_resp_error(resp, 409, "you are friends already");
	if (PQgetisnull(res, 0, 3))
		return sc_resp_error(resp, 409, "a friend request between you is pending");

	ev = json_object_new_object();
	json_object_object_add(ev, "user", sc_user_json(res, 0, 4, SC_USER_PUBLIC));
	json_object_object_add(ev, "created_at", sc_row_text(res, 0, 3));
	sc_events_publish(req->redis, id, "contact.request", ev, &errstr);
	json_object_put(ev);

	o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string("pending"));
	json_object_object_add(o, "created_at", sc_row_text(res, 0, 3));
	sc_resp_json(resp, 201, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "contacts/friend_request", .pattern = "/v1/users/:id/friend",
	.methods = SC_M_POST, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
