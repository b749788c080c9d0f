/* DELETE /v1/users/me/friends/:id/reject - refuse the pending friend request
 * user :id sent to the caller, or withdraw the caller's own pending request
 * to :id. The row is deleted, so either may ask again later.
 * 200 {user_id, status:"rejected"} (it was incoming) or {user_id,
 * status:"withdrawn"} (it was outgoing); 404 when no request is pending
 * between them (friends already included). No event: a refusal is silent. */
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_db.h"

#include <string.h>

/* $1 caller, $2 the other user: the requester of the deleted pending row. */
static const char SQL_REJECT[] =
    "DELETE FROM friendships f WHERE " SC_SQL_FRIEND_PAIR("$1::uuid", "$2::uuid") " "
    "AND f.status = 'pending' RETURNING f.requester_id";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id"), *p[2];
	PGresult *res;
	sc_db_err err;
	json_object *o;
	int incoming;

	p[0] = req->user.user_id;
	p[1] = id;
	if (sc_db_exec(req->db, req->arena, SQL_REJECT, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "no pending friend request between you and this user");
	incoming = strcmp(PQgetvalue(res, 0, 0), id) == 0;
	o = json_object_new_object();
	json_object_object_add(o, "user_id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string(incoming ? "rejected" : "withdrawn"));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "contacts/friend_reject", .pattern = "/v1/users/me/friends/:id/reject",
	.methods = SC_M_DELETE, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
