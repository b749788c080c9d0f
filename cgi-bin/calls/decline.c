/* POST /v1/calls/:id/decline - decline a call one was rung for.
 *
 * Only an invited callee who has not joined: 404 unknown call; 403 not
 * invited (the caller, a joiner, anyone else); 409 the call is over, or the
 * callee joined or declined it before. When every invited callee of a ringing
 * call has declined, the call is over with status declined (ended_by the last
 * one). 200 the call object; call.left {call_id, user_id, reason:"declined",
 * call} to the others rung or in the call, and when it ended call.ended
 * {call_id, status:"declined", duration, ended_by} to every participant. */
#include "sc_app.h"
#include "sc_call.h"

/* $1 caller, $2 call, $3 ring seconds: one call_result row. */
static const char SQL_DECLINE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_decline($1::uuid, $2::uuid, $3::int)";

static int handle(sc_req *req, sc_resp *resp)
{
	sc_call_res res;

	if (sc_call_act(req, resp, SQL_DECLINE, 0, &res) < 0)
		return -1;
	sc_call_publish(req->redis, res.others, "call.left", &res, req->user.user_id, "declined");
	if (res.ended)
		sc_call_publish_ended(req->redis, &res);
	sc_resp_json(resp, 200, json_object_get(res.call));
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/decline", .pattern = "/v1/calls/:id/decline", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
