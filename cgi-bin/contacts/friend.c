/* DELETE /v1/users/me/friends/:id - end the friendship with user :id
 * (either may end it; the row is deleted, so either may ask again).
 * 200 {user_id, friends:false}; 404 when they are not friends (a pending
 * request is not a friendship: see .../reject). No event: ending is silent.
 * Both users' presence peers caches are forgotten (sc_presence.h). */
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_db.h"
#include "sc_presence.h"

/* $1 caller, $2 the other user: one row when an accepted friendship ended. */
static const char SQL_UNFRIEND[] =
    "DELETE FROM friendships f WHERE " SC_SQL_FRIEND_PAIR("$1::uuid", "$2::uuid") " "
    "AND f.status = 'accepted' RETURNING 1";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id"), *p[2];
	PGresult *res;
	sc_db_err err;
	json_object *o;

	p[0] = req->user.user_id;
	p[1] = id;
	if (sc_db_exec(req->db, req->arena, SQL_UNFRIEND, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "you are not friends with this user");
	sc_presence_peers_forget(req->redis, sc_arena_printf(req->arena, "%s,%s",
	    req->user.user_id, id));
	o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(id));
	json_object_object_add(o, "friends", json_object_new_boolean(0));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "contacts/friend", .pattern = "/v1/users/me/friends/:id",
	.methods = SC_M_DELETE, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
