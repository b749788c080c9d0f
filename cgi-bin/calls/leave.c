/* POST /v1/calls/:id/leave - leave a call; the last one out ends it.
 *
 * 404 unknown call; 403 not a participant (never rung nor joined); 409 the
 * call is over, or the caller is not in it now. When nobody is left in the
 * call it ends: status ended, ended_by the caller. 200 the call object;
 * call.left {call_id, user_id, reason:"left", call} to the others rung or in
 * the call, and when it ended call.ended {call_id, status, duration, ended_by}
 * to every participant. */
#include "sc_app.h"
#include "sc_call.h"

/* $1 caller, $2 call, $3 ring seconds: one call_result row. */
static const char SQL_LEAVE[] =
    "SELECT " SC_CALL_RESULT_COLS " FROM call_leave($1::uuid, $2::uuid, $3::int)";

static int handle(sc_req *req, sc_resp *resp)
{
	sc_call_res res;

	if (sc_call_act(req, resp, SQL_LEAVE, 0, &res) < 0)
		return -1;
	sc_call_publish(req->redis, res.others, "call.left", &res, req->user.user_id, "left");
	if (res.ended)
		sc_call_publish_ended(req->redis, &res);
	sc_resp_json(resp, 200, json_object_get(res.call));
	return 0;
}

static const sc_endpoint ep = {
	.name = "calls/leave", .pattern = "/v1/calls/:id/leave", .methods = SC_M_POST,
	.flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
