/* POST /v1/auth/logout - end a session of the caller.
 * Optional body {session_id} (a UUID; default: the session of the access token).
 * 200 {session_id, revoked:true}, also when it was already revoked; 404 unknown
 * session; 403 another user's session; 400 field session_id when not a UUID;
 * 503 when Redis cannot record the revocation. Its access token is refused
 * from the next request on, its refresh token at once. When it was the
 * caller's last active session the user goes offline (status, presence key).
 * The decision and the revocation are one statement (sc_account_logout). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_uuid.h"

#include <string.h>

static int handle(sc_req *req, sc_resp *resp)
{
	const char *given;
	size_t len;
	char sid[SC_UUID_STRLEN + 1];
	sc_verr e;
	int rc;

	rc = sc_json_get_str(req->json, "session_id", SC_OPTIONAL, 1, 64, &given, &len, &e);
	if (rc < 0)
		return sc_resp_verr(resp, &e);
	if (rc == 0)
		memcpy(sid, req->user.session_id, sizeof(sid));
	else if (!sc_uuid_parse(given, len, sid))
		return sc_verr_set(&e, "session_id", "must be a UUID"),
		    sc_resp_verr(resp, &e);
	return sc_account_logout(req, resp, sid);
}

static const sc_endpoint ep = {
	.name = "auth/logout", .pattern = "/v1/auth/logout", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
