/* GET /ready - readiness: 200 when PostgreSQL and Redis answer, else 503
 * naming the one(s) that did not. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_log.h"
#include "sc_redis.h"

static const char READY[] =
    "{\"status\":\"ready\",\"checks\":{\"postgresql\":\"ok\",\"redis\":\"ok\"}}";

static int handle(sc_req *req, sc_resp *resp)
{
	sc_db_err err;
	int pg_ok = sc_db_ping(req->db, &err) == 0;
	int redis_ok = sc_redis_ping(req->redis) == 0;

	if (!pg_ok)
		sc_log(SC_LOG_WARN, "postgresql not ready", "\"sqlstate\":\"%s\"", err.sqlstate);
	if (pg_ok && redis_ok) {
		sc_resp_raw(resp, 200, READY, sizeof(READY) - 1);
		return 0;
	}
	return sc_resp_error(resp, 503, !pg_ok && !redis_ok ?
	    "not ready: postgresql and redis unavailable" :
	    !pg_ok ? "not ready: postgresql unavailable" : "not ready: redis unavailable");
}

static const sc_endpoint ep = {
	.name = "ops/ready", .pattern = "/ready", .methods = SC_M_GET, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
