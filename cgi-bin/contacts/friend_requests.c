/* GET /v1/users/me/friend-requests?direction=incoming|outgoing&limit=&cursor=
 * - pending friend requests addressed to the caller (incoming, the default)
 * or sent by the caller (outgoing), newest first (created_at DESC, then
 * user_id): {requests:[{user:public profile, created_at}], next_cursor,
 * has_more}. Deleted users and users on the other side of a block are left
 * out. 400 naming direction, limit or cursor. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_row.h"

#include <string.h>

/* Pending requests to $1 (the other user is the requester), after the
 * position ($2, $3), at most $4 rows: public profile, position, created_at.
 * friendships_addressee (addressee_id, status) finds them. */
static const char SQL_INCOMING[] =
    "SELECT " SC_USER_PUBLIC_COLS ", " SC_SQL_CONTACT_POS("f.created_at") ", "
    SC_SQL_TS("f.created_at") " "
    "FROM friendships f JOIN users u ON u.user_id = f.requester_id AND u.deleted_at IS NULL "
    "WHERE f.addressee_id = $1::uuid AND f.status = 'pending' "
    "  AND " SC_SQL_NOT_BLOCKED("$1::uuid", "u.user_id") " "
    "  AND " SC_SQL_CONTACT_AFTER("f.created_at", "u.user_id") " "
    "ORDER BY f.created_at DESC, u.user_id LIMIT $4";

/* The same for requests from $1 (primary-key prefix scan). */
static const char SQL_OUTGOING[] =
    "SELECT " SC_USER_PUBLIC_COLS ", " SC_SQL_CONTACT_POS("f.created_at") ", "
    SC_SQL_TS("f.created_at") " "
    "FROM friendships f JOIN users u ON u.user_id = f.addressee_id AND u.deleted_at IS NULL "
    "WHERE f.requester_id = $1::uuid AND f.status = 'pending' "
    "  AND " SC_SQL_NOT_BLOCKED("$1::uuid", "u.user_id") " "
    "  AND " SC_SQL_CONTACT_AFTER("f.created_at", "u.user_id") " "
    "ORDER BY f.created_at DESC, u.user_id LIMIT $4";

static json_object *item(const PGresult *res, int row)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "user", sc_user_json(res, row, 0, SC_USER_PUBLIC));
	json_object_object_add(o, "created_at", sc_row_text(res, row, SC_CONTACT_COL_ITEM));
	return o;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *dir = sc_req_query(req, "direction");
	sc_verr e;

	if (dir == NULL || strcmp(dir, "incoming") == 0)
		return sc_contact_list(req, resp, "contacts.requests.incoming", SQL_INCOMING,
		    "requests", item);
	if (strcmp(dir, "outgoing") == 0)
		return sc_contact_list(req, resp, "contacts.requests.outgoing", SQL_OUTGOING,
		    "requests", item);
	sc_verr_set(&e, "direction", "must be incoming or outgoing");
	return sc_resp_verr(resp, &e);
}

static const sc_endpoint ep = {
	.name = "contacts/friend_requests", .pattern = "/v1/users/me/friend-requests",
	.methods = SC_M_GET, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
