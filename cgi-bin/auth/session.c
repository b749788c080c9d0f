/* DELETE /v1/auth/sessions/:id - end one session of the caller (for a
 * "signed-in devices" list). Same rules as POST /v1/auth/logout with that id:
 * 200 {session_id, revoked:true} (also when already revoked); 404 unknown (or
 * not a UUID); 403 another user's session; 503 when Redis cannot record it.
 * Ending the caller's own current session is allowed: it is a logout. */
#include "sc_account.h"
#include "sc_app.h"

static int handle(sc_req *req, sc_resp *resp)
{
	/* the route already checked the shape: a lower-case UUID */
	return sc_account_logout(req, resp, sc_route_param(&req->params, "id"));
}

static const sc_endpoint ep = {
	.name = "auth/session", .pattern = "/v1/auth/sessions/:id", .methods = SC_M_DELETE,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
