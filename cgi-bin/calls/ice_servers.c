/* GET /v1/calls/ice-servers - STUN/TURN servers for the caller's WebRTC
 * connections: {ice_servers:[{urls, username, credential}], ttl}, with a
 * TURN REST API credential (sc_turn.h) that coturn accepts for `ttl` seconds.
 * 503 when TURN is not configured (TURN_SECRET and TURN_URLS). No database:
 * the credential is derived, not stored. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_turn.h"

#include <time.h>

static int handle(sc_req *req, sc_resp *resp)
{
	json_object *o;

	if (!sc_turn_configured())
		return sc_resp_error(resp, 503, "TURN is not configured on this server");
	o = json_object_new_object();
	json_object_object_add(o, "ice_servers",
	    sc_turn_ice_servers(req->user.user_id, (long long)time(NULL)));
	json_object_object_add(o, "ttl",
	    json_object_new_int64(sc_config_int(SC_CFG_TURN_TTL_SECONDS)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/ice_servers", .pattern = "/v1/calls/ice-servers", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
