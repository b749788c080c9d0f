/* GET /health - liveness: the program answers. Touches neither PostgreSQL
 * nor Redis, so a load balancer can tell "process up" from "dependencies up". */
#include "sc_app.h"
#include "sc_time.h"

#include <stdio.h>

static int handle(sc_req *req, sc_resp *resp)
{
	char ts[SC_TIME_RFC3339_LEN], body[128];
	int n;

	(void)req;
	n = snprintf(body, sizeof(body),
	    "{\"status\":\"healthy\",\"service\":\"secureconnect\",\"time\":\"%s\"}",
	    sc_time_now_rfc3339(ts));
	if (n < 0 || (size_t)n >= sizeof(body))
		return sc_resp_fail(resp, "health body truncated");
	sc_resp_raw(resp, 200, body, (size_t)n);
	return 0;
}

static const sc_endpoint ep = {
	.name = "ops/health", .pattern = "/health", .methods = SC_M_GET, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
