/* POST /v1/calls/:id/join - join a ringing or active call.
 *
 * Any member of the call's conversation may join (checked now, not when the
 * call began): an invited callee, a member who was not invited (role joiner),
 * one who left or declined before. 404 unknown call; 403 not a member, or a
 * direct conversation with a block; 409 the call is over (ended, missed,
 * declined; a ringing call past CALL_RING_SECONDS counts as missed), the
 * caller is in it already, or the participants rung or in the call would
 * exceed CALL_MAX_PARTICIPANTS ("the call is full"). The first join by
 * someone other than the caller makes a ringing call active (answered_at).
 * 200 the call object; call.joined {call_id, user_id, call} to the others
 * rung or in the call. */
#include "sc_app.h"
#include "sc_call.h"

/* $1 caller, $2 call, $3 ring seconds, $4 cap: one call_result row. */
static const char SQL_JOIN[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_join($1::uuid, $2::uuid, $4::int, $3::int)";

static int handle(sc_req *req, sc_resp *resp)
{
	sc_call_res res;

	if (sc_call_act(req, resp, SQL_JOIN, 1, &res) < 0)
		return -1;
	sc_call_publish(req->redis, res.others, "call.joined", &res, req->user.user_id, NULL);
	sc_resp_json(resp, 200, json_object_get(res.call));
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/join", .pattern = "/v1/calls/:id/join", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
