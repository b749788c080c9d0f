/* GET /v1/users/me/blocked?limit=&cursor= - the users the caller blocked,
 * the most recent block first (created_at DESC, then user_id):
 * {blocked_users:[public profile + reason + blocked_at], next_cursor,
 * has_more}. Deleted accounts are left out. Blocks by other users against
 * the caller are not shown (they are theirs). 400 naming limit or cursor. */
#include "sc_app.h"
#include "sc_contact.h"
#include "sc_row.h"

#define KIND "contacts.blocked"

/* The users $1 blocked after the position ($2, $3), at most $4 rows: public
 * profile, position, reason, blocked_at (primary-key prefix scan). */
static const char SQL_BLOCKED[] =
    "SELECT " SC_USER_PUBLIC_COLS ", " SC_SQL_CONTACT_POS("b.created_at") ", b.reason, "
    SC_SQL_TS("b.created_at") " "
    "FROM blocked_users b JOIN users u ON u.user_id = b.blocked_id AND u.deleted_at IS NULL "
    "WHERE b.blocker_id = $1::uuid "
    "  AND " SC_SQL_CONTACT_AFTER("b.created_at", "u.user_id") " "
    "ORDER BY b.created_at DESC, u.user_id LIMIT $4";

static json_object *item(const PGresult *res, int row)
{
	json_object *o = sc_user_json(res, row, 0, SC_USER_PUBLIC);
	json_object_object_add(o, "reason", sc_row_text(res, row, SC_CONTACT_COL_ITEM));
	json_object_object_add(o, "blocked_at", sc_row_text(res, row, SC_CONTACT_COL_ITEM + 1));
	return o;
}

static int handle(sc_req *req, sc_resp *resp)
{
	return sc_contact_list(req, resp, KIND, SQL_BLOCKED, "blocked_users", item);
}

static const sc_endpoint ep = {
	.name = "contacts/blocked", .pattern = "/v1/users/me/blocked", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
