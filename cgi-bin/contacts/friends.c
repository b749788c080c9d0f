/* GET /v1/users/me/friends?limit=&cursor= - the caller's friends, the most
 * recent friendship first (accepted_at DESC, then user_id):
 * {friends:[public profile + since], next_cursor, has_more}. Deleted users
 * and users on the other side of a block are left out. 400 naming limit or
 * cursor. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_row.h"

#define KIND "contacts.friends"

/* The friends of $1 after the position ($2, $3), at most $4 rows: public
 * profile, position, since. Both halves of the union are index probes
 * (the primary key for requester_id, friendships_addressee for addressee_id). */
static const char SQL_FRIENDS[] =
    "SELECT " SC_USER_PUBLIC_COLS ", " SC_SQL_CONTACT_POS("f.accepted_at") ", "
    SC_SQL_TS("f.accepted_at") " "
    "FROM (SELECT addressee_id AS other, accepted_at FROM friendships "
    "      WHERE requester_id = $1::uuid AND status = 'accepted' "
    "      UNION ALL "
    "      SELECT requester_id, accepted_at FROM friendships "
    "      WHERE addressee_id = $1::uuid AND status = 'accepted') f "
    "JOIN users u ON u.user_id = f.other AND u.deleted_at IS NULL "
    "WHERE " SC_SQL_NOT_BLOCKED("$1::uuid", "u.user_id") " "
    "  AND " SC_SQL_CONTACT_AFTER("f.accepted_at", "u.user_id") " "
    "ORDER BY f.accepted_at DESC, u.user_id LIMIT $4";

static json_object *item(const PGresult *res, int row)
{
	json_object *o = sc_user_json(res, row, 0, SC_USER_PUBLIC);
	json_object_object_add(o, "since", sc_row_text(res, row, SC_CONTACT_COL_ITEM));
	return o;
}

static int handle(sc_req *req, sc_resp *resp)
{
	return sc_contact_list(req, resp, KIND, SQL_FRIENDS, "friends", item);
}

static const sc_endpoint ep = {
	.name = "contacts/friends", .pattern = "/v1/users/me/friends", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
